import type { Client } from '@elastic/elasticsearch';
import {
  LOG_LEVELS,
  SERVICE_LOGS_INDEX_PREFIX,
  type LogLevelLabel,
} from '../../shared/log/service-log-index.js';

export const MAX_SERVICE_LOG_LINES = 10_000;
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export interface ServiceLogQuery {
  service: string;
  /** The lowest level shown: `error` shows error and fatal. */
  level: LogLevelLabel;
  sinceMs: number;
  instance?: string;
  limit: number;
}

/**
 * `logs service <name> [--level error] [--since 10m] [--instance id] [--limit n]`, after
 * `logs service`: the query, or what is wrong with the arguments.
 */
export function parseServiceLogArgs(args: string[]): ServiceLogQuery | string {
  const [service, ...rest] = args;
  if (!service || !NAME.test(service))
    return 'a service name (gateway, room-server, matchmaker, log-indexer)';
  const q: ServiceLogQuery = { service, level: 'info', sinceMs: 15 * 60_000, limit: 1_000 };
  for (let i = 0; i < rest.length; i += 2) {
    const [flag, value] = [rest[i], rest[i + 1]];
    if (value === undefined) return `${flag} needs a value`;
    if (flag === '--level') {
      if (!(value in LOG_LEVELS)) return `--level is one of ${Object.keys(LOG_LEVELS).join(', ')}`;
      q.level = value as LogLevelLabel;
    } else if (flag === '--since') {
      const m = /^(\d{1,6})([smhd])$/.exec(value);
      if (!m) return '--since is a duration such as 30s, 10m, 2h or 7d';
      q.sinceMs = Number(m[1]) * UNITS[m[2]!]!;
    } else if (flag === '--instance') {
      if (!NAME.test(value)) return '--instance is an instance id';
      q.instance = value;
    } else if (flag === '--limit') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > MAX_SERVICE_LOG_LINES)
        return `--limit is 1 to ${MAX_SERVICE_LOG_LINES}`;
      q.limit = n;
    } else return `unknown option ${flag}`;
  }
  return q;
}

export type ServiceLogLine = Record<string, unknown> & {
  time: string;
  level?: string;
  instance?: string;
  msg?: string;
};

/** The service's latest lines matching `q` (at most q.limit), oldest first. */
export async function serviceLogs(
  es: Client,
  q: ServiceLogQuery,
  now = Date.now(),
): Promise<ServiceLogLine[]> {
  const result = await es.search<ServiceLogLine>({
    index: `${SERVICE_LOGS_INDEX_PREFIX}*`,
    query: {
      bool: {
        filter: [
          { term: { service: q.service } },
          { range: { levelValue: { gte: LOG_LEVELS[q.level] } } },
          { range: { time: { gte: new Date(now - q.sinceMs).toISOString() } } },
          ...(q.instance ? [{ term: { instance: q.instance } }] : []),
        ],
      },
    },
    sort: [{ time: 'desc' }],
    size: Math.min(q.limit, MAX_SERVICE_LOG_LINES),
    ignore_unavailable: true,
  });
  return result.hits.hits.flatMap((h) => (h._source ? [h._source] : [])).reverse();
}

const SHOWN_IDS = ['playerId', 'roomId', 'matchId', 'gatewayId', 'serverId', 'queue'];

/** One line per log line, for people: time, level, instance, message, the ids, the error. */
export function formatServiceLog(l: ServiceLogLine): string {
  const ids = SHOWN_IDS.flatMap((k) => (typeof l[k] === 'string' ? [`${k}=${l[k] as string}`] : []));
  const err = l.err as { type?: string; message?: string } | undefined;
  const parts = [
    l.time,
    (l.level ?? '?').toUpperCase().padEnd(5),
    l.instance ?? '?',
    l.msg ?? '',
    ...ids,
    ...(err?.message ? [`err=${err.type ? `${err.type}: ` : ''}${err.message}`] : []),
  ];
  return parts.join('  ');
}
