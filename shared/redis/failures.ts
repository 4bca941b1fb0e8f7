import type { Logger } from '../log/logger.js';
import { Counter, type Registry } from '../ops/metrics-registry.js';

/** Per operation, at most one log line this often; the lines in between are counted in it. */
const LOG_EVERY_MS = 1_000;

/**
 * Redis calls that failed (timed out, or Redis unreachable), counted by operation in
 * `arena_redis_failures_total{op}` and logged, in every service: `record(op, err, fields)`.
 * Register it on the service's /metrics registry with `register(registry)`. During an outage
 * thousands of calls can fail each second: every one is counted, and each operation logs at
 * most one line a second, saying how many failed since its previous line.
 */
export class RedisFailures {
  private readonly counter = new Counter({
    name: 'arena_redis_failures_total',
    help: 'Redis calls that failed (timeout or Redis unreachable), by operation',
    labelNames: ['op'] as const,
    registers: [],
  });
  private readonly counts = new Map<string, number>();
  private readonly logged = new Map<string, { at: number; since: number }>();

  constructor(
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  register(registry: Registry): void {
    registry.registerMetric(this.counter);
  }

  /** Counts and logs one failed operation; `fields` say whom it let down (player, room, queue). */
  record(op: string, err: unknown, fields: Record<string, unknown> = {}): void {
    this.counter.inc({ op });
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    const now = this.now();
    const last = this.logged.get(op);
    if (last && now - last.at < LOG_EVERY_MS) {
      last.since++;
      return;
    }
    this.logged.set(op, { at: now, since: 0 });
    const alsoFailed = last?.since ?? 0;
    this.log.error(
      { err, op, ...fields, ...(alsoFailed > 0 ? { alsoFailed } : {}) },
      alsoFailed > 0 ? `redis ${op} failed (${alsoFailed} more since the last line)` : `redis ${op} failed`,
    );
  }

  /** Failures so far for one operation (or all of them). */
  count(op?: string): number {
    if (op !== undefined) return this.counts.get(op) ?? 0;
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}
