/**
 * Service logs in Kafka and Elasticsearch: every service's JSON log lines go to one topic,
 * keyed by instance (an instance's lines stay in order), and the log indexer writes them into
 * daily indices `arena-logs-YYYY.MM.DD`. The mapping names the fields people search by; other
 * fields of a line stay in the document's source, unindexed (dynamic: false), so a new field
 * in a log call never breaks indexing. Kibana's saved objects use only mapped fields (a test
 * checks it).
 */
export const SERVICE_LOGS_TOPIC = 'arena.service-logs';
export const SERVICE_LOGS_INDEX_PREFIX = 'arena-logs-';
export const SERVICE_LOGS_TEMPLATE = 'arena-logs';

const id = { type: 'keyword', ignore_above: 256 } as const;

export const SERVICE_LOGS_MAPPING = {
  dynamic: false,
  properties: {
    time: { type: 'date' },
    service: id,
    instance: id,
    /** pino's label: trace, debug, info, warn, error, fatal. */
    level: id,
    /** pino's number (10 trace ... 60 fatal): "error and worse" is levelValue >= 50. */
    levelValue: { type: 'short' },
    msg: { type: 'text' },
    playerId: id,
    roomId: id,
    matchId: id,
    gatewayId: id,
    serverId: id,
    queue: id,
    err: {
      properties: {
        type: id,
        message: { type: 'text' },
        stack: { type: 'text' },
      },
    },
    indexedAt: { type: 'date', format: 'epoch_millis' },
  },
} as const;

/** pino's level numbers and their labels. */
export const LOG_LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type LogLevelLabel = keyof typeof LOG_LEVELS;

/** The daily index of a line logged at `ms` (UTC date). */
export function serviceLogIndex(ms: number): string {
  const d = new Date(ms);
  const day = `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${SERVICE_LOGS_INDEX_PREFIX}${day}`;
}
