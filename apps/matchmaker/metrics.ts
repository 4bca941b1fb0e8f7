import { Counter, createMetricsRegistry, Gauge, Summary } from '../../shared/ops/metrics-registry.js';
import type { RedisFailures } from '../../shared/redis/failures.js';

/** What a matchmaker exposes on /metrics (Prometheus text format). */
export class MatchmakerMetrics {
  readonly registry = createMetricsRegistry();
  readonly queueDepth = new Gauge({
    name: 'arena_matchmaker_queue_depth',
    help: 'Tickets waiting, per queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly timeToMatch = new Summary({
    name: 'arena_matchmaker_time_to_match_seconds',
    help: 'Wait from enqueue to match, per queue (p50, p90, p99 over the last 10 minutes)',
    labelNames: ['queue'],
    percentiles: [0.5, 0.9, 0.99],
    maxAgeSeconds: 600,
    ageBuckets: 5,
    registers: [this.registry],
  });
  readonly matches = new Counter({
    name: 'arena_matchmaker_matches_total',
    help: 'Matches formed, per queue',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly timeouts = new Counter({
    name: 'arena_matchmaker_timeouts_total',
    help: 'Tickets that waited past the limit',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly reclaimed = new Counter({
    name: 'arena_matchmaker_reclaimed_total',
    help: 'Claimed tickets returned to their queue after a matchmaker failed to allocate them',
    labelNames: ['queue'],
    registers: [this.registry],
  });
  readonly claimConflicts = new Counter({
    name: 'arena_matchmaker_claim_conflicts_total',
    help: 'Matches abandoned because another matchmaker claimed one of the tickets first',
    labelNames: ['queue'],
    registers: [this.registry],
  });

  /**
   * Every queue's counters at 0 from the start: a labelled counter is otherwise absent until
   * its first increment, so dashboards show "no data" and rate() misses the first event.
   */
  initQueues(queues: readonly string[]): void {
    for (const queue of queues) {
      for (const counter of [this.matches, this.timeouts, this.reclaimed, this.claimConflicts])
        counter.inc({ queue }, 0);
    }
  }

  /** Adds arena_redis_failures_total to this registry. */
  withRedisFailures(failures: RedisFailures): this {
    failures.register(this.registry);
    return this;
  }
}
