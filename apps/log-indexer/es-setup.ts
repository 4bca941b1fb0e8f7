import type { Client } from '@elastic/elasticsearch';
import {
  DEAD_LETTERS_INDEX,
  DEAD_LETTERS_MAPPING,
  MATCH_EVENTS_INDEX_PREFIX,
  MATCH_EVENTS_MAPPING,
  MATCH_EVENTS_TEMPLATE,
} from '../../shared/events/es-mapping.js';
import {
  SERVICE_LOGS_INDEX_PREFIX,
  SERVICE_LOGS_MAPPING,
  SERVICE_LOGS_TEMPLATE,
} from '../../shared/log/service-log-index.js';

/**
 * Creates (or updates, idempotently) the index templates: daily match-event indices, daily
 * service-log indices (`arena-logs-*`) and the dead letters.
 * One shard, no replicas by default: a single local node; production raises replicas.
 */
export async function ensureIndexTemplate(es: Client, replicas = 0): Promise<void> {
  await es.indices.putIndexTemplate({
    name: MATCH_EVENTS_TEMPLATE,
    index_patterns: [`${MATCH_EVENTS_INDEX_PREFIX}*`],
    priority: 100,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '1s' },
      mappings: MATCH_EVENTS_MAPPING as never,
    },
  });
  await es.indices.putIndexTemplate({
    name: SERVICE_LOGS_TEMPLATE,
    index_patterns: [`${SERVICE_LOGS_INDEX_PREFIX}*`],
    priority: 100,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas, refresh_interval: '1s' },
      mappings: SERVICE_LOGS_MAPPING as never,
    },
  });
  await es.indices.putIndexTemplate({
    name: DEAD_LETTERS_INDEX,
    index_patterns: [DEAD_LETTERS_INDEX],
    priority: 100,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: replicas },
      mappings: DEAD_LETTERS_MAPPING as never,
    },
  });
}

/**
 * Retention without ILM (this Elasticsearch distribution has none): deletes the daily
 * indices named `<prefix>YYYY.MM.DD` older than `days` (default prefix: match events). Runs at
 * indexer start and then hourly.
 */
export async function deleteExpiredIndices(
  es: Client,
  days: number,
  now = Date.now(),
  prefix = MATCH_EVENTS_INDEX_PREFIX,
): Promise<string[]> {
  const indices = (await es.cat.indices({
    index: `${prefix}*`,
    format: 'json',
    h: 'index',
  })) as { index?: string }[];
  const cutoff = now - days * 86_400_000;
  const expired = indices
    .map((i) => i.index ?? '')
    .filter((name) => {
      const m = /(\d{4})\.(\d{2})\.(\d{2})$/.exec(name);
      return m !== null && Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + 86_400_000 <= cutoff;
    });
  if (expired.length > 0) await es.indices.delete({ index: expired });
  return expired;
}
