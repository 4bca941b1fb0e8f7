/**
 * Ops CLI.
 * - `npm run arena -- logs match <matchId>` prints a match's events from Elasticsearch
 *   (ELASTICSEARCH_URL), oldest first.
 * - `npm run arena -- logs service <name> [--level error] [--since 10m] [--instance id]
 *   [--limit n]` prints a service's log lines (arena-logs-*), oldest first: the level and
 *   worse, the last 15 minutes and 1000 lines unless told otherwise.
 * - `npm run arena -- revoke player <playerId>` ends every session of the player that began
 *   so far; `revoke session <sessionId>` ends one login session (its token's jti). Gateways
 *   refuse the revoked tokens at the next connect.
 */
import { Client } from '@elastic/elasticsearch';
import { Revocations } from '../../shared/auth/revocations.js';
import { loadConfig } from '../../shared/config/index.js';
import { connectRedis } from '../../shared/redis/connect.js';
import { realtimeKeys } from '../../shared/redis/keys.js';
import { formatEvent, matchEvents } from './match-log-query.js';
import { formatServiceLog, parseServiceLogArgs, serviceLogs } from './service-log-query.js';

const USAGE = `usage: npm run arena -- logs match <matchId>
       npm run arena -- logs service <name> [--level error] [--since 10m] [--instance id] [--limit n]
       npm run arena -- revoke player <playerId>
       npm run arena -- revoke session <sessionId>`;

async function main(args: string[]): Promise<number> {
  const [area, what, id] = args;
  if (area === 'logs' && what === 'service') return printServiceLogs(args.slice(2));
  if (!id || !/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) {
    console.error(USAGE);
    return 2;
  }
  if (area === 'revoke' && (what === 'player' || what === 'session')) return revoke(what, id);
  if (area !== 'logs' || what !== 'match') {
    console.error(USAGE);
    return 2;
  }
  const es = new Client({ node: loadConfig().elasticsearch.url });
  try {
    const events = await matchEvents(es, id);
    if (events.length === 0) {
      console.error(`no events for match ${id}`);
      return 1;
    }
    for (const e of events) console.log(formatEvent(e));
    return 0;
  } finally {
    await es.close();
  }
}

async function printServiceLogs(args: string[]): Promise<number> {
  const q = parseServiceLogArgs(args);
  if (typeof q === 'string') {
    console.error(`logs service: ${q}\n${USAGE}`);
    return 2;
  }
  const es = new Client({ node: loadConfig().elasticsearch.url });
  try {
    const lines = await serviceLogs(es, q);
    if (lines.length === 0) {
      console.error(`no ${q.level} (or worse) lines from ${q.service} in the last ${q.sinceMs / 1000} s`);
      return 1;
    }
    for (const l of lines) console.log(formatServiceLog(l));
    return 0;
  } finally {
    await es.close();
  }
}

async function revoke(what: 'player' | 'session', id: string): Promise<number> {
  const config = loadConfig();
  const redis = await connectRedis(config.redis, { name: 'arena cli' });
  try {
    const revocations = new Revocations(redis, realtimeKeys(config.redis.keyPrefix), config.auth.tokenTtlS);
    if (what === 'player') await revocations.revokePlayer(id);
    else await revocations.revokeSession(id);
    console.log(`revoked ${what} ${id}: its tokens are refused at the next connect`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
