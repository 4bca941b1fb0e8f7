import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Client } from '@elastic/elasticsearch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../infra/local/arena-apps.js';
import { freePort } from '../../infra/local/free-port.js';
import { encodeClientMessage } from '../../shared/protocol/index.js';
import { SERVICE_LOGS_INDEX_PREFIX } from '../../shared/log/service-log-index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { samples } from '../helpers/prometheus-text.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { pollUntil } from '../helpers/wait-for.js';

let cluster: ArenaCluster;
let es: Client;

beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 0, roomServers: 0 });
  es = new Client({ node: cluster.env.ELASTICSEARCH_URL!, maxRetries: 0, requestTimeout: 10_000 });
  // The indexer first, so that its service-log group (placed at the topic's end) sees the gateway's lines.
  await cluster.startIndexer('ix-svclogs');
}, 120_000);

afterAll(async () => {
  await es?.close();
  await cluster?.stop();
}, 60_000);

const metric = async (opsPort: number, name: string) =>
  samples(await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text()).get(name) ?? 0;

/** A real warning: a client floods the gateway past its rate limit and is disconnected (4003). */
async function flood(gateway: number): Promise<string> {
  const { playerId, token } = await cluster.guestToken(gateway);
  const raw = await RawSocket.welcomed(cluster.gatewayUrl(gateway), token);
  const ping = encodeClientMessage({ type: 'ping', clientTime: 1 });
  for (let i = 0; i < 1000 && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(ping);
  await raw.until((s) => s.closed !== undefined, 'the flood to be cut off');
  expect(raw.closed?.code).toBe(4003);
  return playerId;
}

describe('service logs: a service’s JSON lines reach Elasticsearch through Kafka', () => {
  it('a gateway’s warning is searchable in arena-logs-* with its fields, and the CLI prints it', async () => {
    const gw = await cluster.startGateway(0);
    const playerId = await flood(0);

    type Doc = Record<string, unknown>;
    const found = await pollUntil(
      async () => {
        await es.indices.refresh({ index: `${SERVICE_LOGS_INDEX_PREFIX}*`, ignore_unavailable: true });
        const r = await es.search<Doc>({
          index: `${SERVICE_LOGS_INDEX_PREFIX}*`,
          ignore_unavailable: true,
          // Searched by the mapped fields themselves: a field left unmapped would not match.
          query: {
            bool: {
              filter: [
                { term: { service: 'gateway' } },
                { term: { instance: 'gw-0' } },
                { term: { level: 'warn' } },
                { term: { playerId } },
                { match_phrase: { msg: 'client flooding' } },
              ],
            },
          },
        });
        return r.hits.hits[0];
      },
      'the flood warning to be searchable',
      90_000,
      250,
    );
    expect(found._index).toMatch(/^arena-logs-\d{4}\.\d{2}\.\d{2}$/);
    expect(found._source).toMatchObject({
      service: 'gateway',
      instance: 'gw-0',
      level: 'warn',
      levelValue: 40,
      playerId,
      msg: 'client flooding: disconnected',
    });
    const time = Date.parse(String(found._source!.time));
    expect(Math.abs(Date.now() - time)).toBeLessThan(10 * 60_000);

    // The same line is still on the gateway's stdout (its log file), as before.
    const local = readFileSync(gw.process.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('client flooding') && l.includes(playerId));
    expect(local).toHaveLength(1);

    expect(await metric(gw.opsPort, 'arena_service_log_lines_sent_total')).toBeGreaterThan(0);
    expect(await metric(gw.opsPort, 'arena_service_log_lines_dropped_total')).toBe(0);
    expect(
      await metric(cluster.indexers[0]!.opsPort, 'arena_indexer_service_log_lines_indexed_total'),
    ).toBeGreaterThan(0);

    // `npm run arena -- logs service gateway --level warn --since 10m` prints it.
    const cli = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'apps/cli/arena.ts',
        'logs',
        'service',
        'gateway',
        '--level',
        'warn',
        '--since',
        '10m',
        '--instance',
        'gw-0',
      ],
      {
        cwd: REPO,
        env: { ...process.env, ELASTICSEARCH_URL: cluster.env.ELASTICSEARCH_URL! },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    expect(cli.status, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(
      new RegExp(`^\\S+Z {2}WARN {3}gw-0 {2}client flooding: disconnected {2}playerId=${playerId}$`, 'm'),
    );
    // Info lines (the gateway's start) are below --level warn: not printed.
    expect(cli.stdout).not.toMatch(/ INFO /);
  }, 180_000);

  it('with Kafka unreachable a gateway keeps serving: its lines stay on stdout, the bounded buffer drops and counts', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`; // nothing listens there: Kafka is down
    const gw = await cluster.startGateway(1, {
      KAFKA_BROKERS: nowhere,
      SERVICE_LOGS_BUFFER_LINES: '10',
      AUTH_GUEST_LOGINS_PER_MIN: '1',
    });
    const { token } = await cluster.guestToken(1);
    // Every further guest login from this address is refused and logged as a warning.
    for (let i = 0; i < 30; i++) {
      const res = await fetch(cluster.httpUrl(1, '/auth/guest'), { method: 'POST', body: '{}' });
      expect(res.status).toBe(429);
    }
    const dropped = await metric(gw.opsPort, 'arena_service_log_lines_dropped_total');
    expect(dropped).toBeGreaterThanOrEqual(20); // 30 warnings into a buffer of 10
    expect(await metric(gw.opsPort, 'arena_service_log_pending_lines')).toBe(10);
    expect(await metric(gw.opsPort, 'arena_service_log_lines_sent_total')).toBe(0);

    // Still serving players: a client connects and gets its welcome.
    const raw = await RawSocket.welcomed(cluster.gatewayUrl(1), token);
    raw.ws.close();
    expect(await (await fetch(cluster.httpUrl(1, '/healthz'))).text()).toBe('ok');
    // Every refused login is on stdout; the drops are told there, not once per line.
    const lines = readFileSync(gw.process.logFile, 'utf8').split('\n');
    expect(lines.filter((l) => l.includes('guest login refused'))).toHaveLength(30);
    await pollUntil(
      () =>
        readFileSync(gw.process.logFile, 'utf8').includes('service log lines dropped') ? true : undefined,
      'the drop notice on stdout',
      30_000,
      100,
    );
    const notices = readFileSync(gw.process.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('service log lines dropped'));
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices.length).toBeLessThanOrEqual(2);
  }, 120_000);
});
