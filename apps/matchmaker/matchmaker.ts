import type { Logger } from '../../shared/log/logger.js';
import { modeOfQueue, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { RoomPlacement } from '../../shared/placement/room-placement.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { RosterStore } from '../../shared/rooms/roster.js';
import { KEEP_RECORDS_MS, MatchAllocator } from './match-allocator.js';
import type { MatchStore } from './match-store.js';
import type { MatchmakerMetrics } from './metrics.js';
import { FIRST_TICKETS_PER_PASS, nextPassSize } from './pass-size.js';
import { findMatches } from './pool-matcher.js';

export interface MatchmakerOptions {
  id: string;
  queues: string[];
  modes: Record<string, ModeConfig>;
  store: MatchStore;
  rosters: RosterStore;
  placement: RoomPlacement;
  metrics: MatchmakerMetrics;
  redisFailures: RedisFailures;
  log: Logger;
  claimTimeoutMs: number;
  idleDelayMs: number;
}

const SWEEP_EVERY_MS = 250;
/** After failed passes (Redis away) a queue's next pass waits up to this long. */
const MAX_FAILURE_DELAY_MS = 2_000;

/**
 * One matchmaker instance. Several run side by side on the same queues: each pass matches the
 * oldest tickets in memory (oldest first), claims each match's tickets all at once (a ticket
 * already claimed by another instance fails that match, never a duplicate), places the rooms,
 * writes their rosters, and finalizes each match only while every claim is still its own.
 */
export class Matchmaker {
  private running = false;
  private claimSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per queue, the allocation of the last pass's matches, while it runs. */
  private readonly allocating = new Map<string, Promise<number>>();
  /** Per queue, how many tickets the next pass reads (adapted to how long allocations take). */
  private readonly passSize = new Map<string, number>();
  private readonly sweptAt = new Map<string, number>();
  /** Passes in a row that failed, per queue: the next one backs off. */
  private readonly failedPasses = new Map<string, number>();
  private lastTrim = 0;

  private readonly allocator: MatchAllocator;

  constructor(private readonly o: MatchmakerOptions) {
    this.allocator = new MatchAllocator(o);
  }

  start(): void {
    this.running = true;
    this.o.metrics.initQueues(this.o.queues);
    for (const queue of this.o.queues) this.schedule(() => this.loop(queue), 0);
  }

  /** Schedules no more passes and resolves once the passes in flight have finished. */
  async stop(): Promise<void> {
    this.running = false;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One pass over a queue: reads its oldest waiting tickets in one call, finds every match among
   * them in memory, claims them all in one call (a match losing a ticket to another instance
   * fails alone) and allocates the claimed ones in one pipeline. The allocation runs beside the
   * next pass (its tickets are out of the pool already), one at a time per queue. Returns how
   * many matches it claimed.
   */
  async pass(queue: string, now = Date.now()): Promise<number> {
    const mode = modeOfQueue(queue, this.o.modes)!;
    const size = this.passSize.get(queue) ?? FIRST_TICKETS_PER_PASS;
    const pool = await this.o.store.oldest(queue, size);
    const found = findMatches(pool, mode, now);
    if (found.length === 0) return 0;
    // The previous pass's allocation ran beside this pass's read and matching; it ends before
    // this pass claims, so claims never queue up behind a slow Redis (nor expire waiting).
    await this.allocating.get(queue);
    const token = `${this.o.id}:${++this.claimSeq}`;
    const claimed = await this.o.store.claimMatches(
      queue,
      token,
      Date.now() + this.o.claimTimeoutMs,
      found.map((m) => m.tickets),
    );
    const won = found.filter((_, i) => claimed[i]);
    if (won.length < found.length) this.o.metrics.claimConflicts.inc({ queue }, found.length - won.length);
    if (won.length === 0) return 0;
    const started = performance.now();
    const allocation = this.allocator.allocate(queue, mode, token, won, now).finally(() => {
      this.passSize.set(queue, nextPassSize(size, performance.now() - started, this.o.claimTimeoutMs));
      if (this.allocating.get(queue) === allocation) this.allocating.delete(queue);
      this.inFlight.delete(allocation);
    });
    this.allocating.set(queue, allocation);
    this.inFlight.add(allocation);
    return won.length;
  }

  /** Housekeeping: stale claims back to the queue, overdue tickets out, old records trimmed. */
  async sweep(queue: string, now = Date.now()): Promise<void> {
    const mode = modeOfQueue(queue, this.o.modes)!;
    const reclaimed = await this.o.store.reclaimExpired(queue, now);
    if (reclaimed > 0) {
      this.o.metrics.reclaimed.inc({ queue }, reclaimed);
      this.o.log.warn({ queue, reclaimed }, 'returned stale claims to the queue');
    }
    const timedOut = await this.o.store.timeOut(
      queue,
      now - mode.maxWaitMs,
      now,
      Math.round(mode.maxWaitMs / 1000),
    );
    if (timedOut > 0) this.o.metrics.timeouts.inc({ queue }, timedOut);
    this.o.metrics.queueDepth.set({ queue }, await this.o.store.depth(queue));
    if (now - this.lastTrim > 60_000) {
      this.lastTrim = now;
      await this.o.store.trim(now - KEEP_RECORDS_MS);
    }
  }

  private async loop(queue: string): Promise<void> {
    let formed = 0;
    let failed = 0;
    try {
      const now = Date.now();
      if (now - (this.sweptAt.get(queue) ?? 0) >= SWEEP_EVERY_MS) {
        this.sweptAt.set(queue, now);
        await this.sweep(queue, now);
      }
      formed = await this.pass(queue, now);
    } catch (err) {
      failed = (this.failedPasses.get(queue) ?? 0) + 1;
      this.o.redisFailures.record('matchmaking_pass', err, { queue, failedInARow: failed });
    }
    this.failedPasses.set(queue, failed);
    const delay =
      failed > 0
        ? Math.min(MAX_FAILURE_DELAY_MS, this.o.idleDelayMs * 2 ** failed)
        : formed > 0
          ? 0
          : this.o.idleDelayMs;
    this.schedule(() => this.loop(queue), delay);
  }

  private schedule(fn: () => Promise<void>, delayMs: number): void {
    if (!this.running) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const pass = fn().finally(() => this.inFlight.delete(pass));
      this.inFlight.add(pass);
    }, delayMs);
    this.timers.add(timer);
  }
}
