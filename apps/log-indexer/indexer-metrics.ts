import type { Logger } from '../../shared/log/logger.js';
import type { MatchEvent } from '../../shared/events/match-events.js';
import {
  counterReading,
  createMetricsRegistry,
  Gauge,
  Histogram,
  type Registry,
} from '../../shared/ops/metrics-registry.js';
import { withTimeout } from '../../shared/ops/with-timeout.js';
import type { LogIndexer } from './indexer.js';
import type { ServiceLogIndexer } from './service-log-indexer.js';

const LAG_TIMEOUT_MS = 3_000;

/**
 * What a log indexer exposes on /metrics: events indexed and dead-lettered, bulk latency and
 * retries, how long events took from their room server to Elasticsearch, and the consumer
 * group's lag per partition (read from Kafka at scrape time).
 */
export class IndexerMetrics {
  readonly registry: Registry = createMetricsRegistry();
  private readonly bulkDuration = new Histogram({
    name: 'arena_indexer_bulk_duration_seconds',
    help: 'Elasticsearch bulk requests that succeeded, by duration',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly eventDelay = new Histogram({
    name: 'arena_indexer_event_delay_seconds',
    help: 'From an event happening on its room server to Elasticsearch acknowledging it',
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  /** For IndexerOptions.onBulk. */
  readonly observeBulk = (seconds: number, events: readonly MatchEvent[]): void => {
    this.bulkDuration.observe(seconds);
    const now = Date.now();
    for (const e of events) this.eventDelay.observe(Math.max(0, now - e.ts) / 1000);
  };

  watch(indexer: LogIndexer, log: Logger): this {
    const r = this.registry;
    counterReading(r, 'arena_indexer_indexed_events_total', 'Match events indexed', () => indexer.indexed);
    counterReading(
      r,
      'arena_indexer_dead_lettered_events_total',
      'Match events sent to the dead-letter topic',
      () => indexer.deadLettered,
    );
    counterReading(
      r,
      'arena_indexer_bulk_retries_total',
      'Bulk requests retried because Elasticsearch was down or overloaded',
      () => indexer.bulkRetries,
    );
    new Gauge({
      name: 'arena_indexer_consumer_lag_messages',
      help: 'Match events in Kafka not yet indexed (committed) by the indexer group, per partition',
      labelNames: ['partition'],
      registers: [r],
      async collect() {
        try {
          const lag = await withTimeout(indexer.lag(), LAG_TIMEOUT_MS, 'Kafka did not answer');
          for (const [partition, messages] of lag) this.set({ partition: String(partition) }, messages);
        } catch (err) {
          // Keep the last values: a scrape must not fail because Kafka is away.
          log.warn({ err: (err as Error).message }, 'could not read the consumer lag');
        }
      },
    });
    return this;
  }

  /** The service-log consumer's counters (arena-logs-*). */
  watchServiceLogs(indexer: ServiceLogIndexer): this {
    const r = this.registry;
    counterReading(
      r,
      'arena_indexer_service_log_lines_indexed_total',
      'Service log lines indexed into arena-logs-*',
      () => indexer.indexed,
    );
    counterReading(
      r,
      'arena_indexer_service_log_lines_rejected_total',
      'Service log lines that could never be indexed (not JSON, refused by the mapping): skipped and logged',
      () => indexer.rejected,
    );
    counterReading(
      r,
      'arena_indexer_service_log_bulk_retries_total',
      'Service-log bulk requests retried because Elasticsearch was down or overloaded',
      () => indexer.bulkRetries,
    );
    return this;
  }
}
