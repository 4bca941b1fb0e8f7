import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/log/logger.js';
import { gameOfMode, modeOfQueue, skillWindow, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { MatchRecord } from '../../shared/matchmaking/types.js';
import type { RoomPlacement } from '../../shared/placement/room-placement.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { RosterStore } from '../../shared/rooms/roster.js';
import { findMatch, type FoundMatch } from './match-finder.js';
import type { MatchStore } from './match-store.js';
import type { MatchmakerMetrics } from './metrics.js';

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

/** Anchors served per pass: the oldest tickets of the queue. */
const ANCHORS_PER_PASS = 64;
/** Candidates fetched on each side of an anchor's rating. */
const CANDIDATES_PER_SIDE = 48;
const SWEEP_EVERY_MS = 250;
const KEEP_RECORDS_MS = 24 * 3_600_000;
/** After failed passes (Redis away) a queue's next pass waits up to this long. */
const MAX_FAILURE_DELAY_MS = 2_000;

/**
 * One matchmaker instance. Several run side by side on the same queues: each pass serves
 * the oldest tickets first, claims a match's tickets all at once (a ticket already claimed
 * by another instance makes the claim fail, never a duplicate), places the room, writes its
 * roster, and finalizes the match only while every claim is still its own.
 */
export class Matchmaker {
  private running = false;
  private claimSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly sweptAt = new Map<string, number>();
  /** Passes in a row that failed, per queue: the next one backs off. */
  private readonly failedPasses = new Map<string, number>();
  private lastTrim = 0;

  constructor(private readonly o: MatchmakerOptions) {}

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

  /** One pass over a queue; returns how many matches it formed. */
  async pass(queue: string, now = Date.now()): Promise<number> {
    const mode = modeOfQueue(queue, this.o.modes)!;
    const used = new Set<string>();
    // Claiming stays in order (a ticket claimed here is out of later candidates); allocating a
    // claimed match (placement, roster, finalize) runs beside the next claims.
    const allocations: Promise<boolean>[] = [];
    for (const anchor of await this.o.store.oldest(queue, ANCHORS_PER_PASS)) {
      if (used.has(anchor.id)) continue;
      const window = skillWindow(mode.window, now - anchor.enqueuedAt);
      const candidates = (
        await this.o.store.candidates(queue, anchor.rating, window, CANDIDATES_PER_SIDE)
      ).filter((c) => !used.has(c.id));
      const match = findMatch(anchor, candidates, mode, now);
      if (!match) continue;
      const token = `${this.o.id}:${++this.claimSeq}`;
      if (!(await this.o.store.claim(queue, token, now + this.o.claimTimeoutMs, match.tickets))) {
        this.o.metrics.claimConflicts.inc({ queue });
        continue;
      }
      for (const t of match.tickets) used.add(t.id);
      allocations.push(this.allocate(queue, mode, token, match, now));
    }
    return (await Promise.all(allocations)).filter(Boolean).length;
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

  private async allocate(
    queue: string,
    mode: ModeConfig,
    token: string,
    match: FoundMatch,
    now: number,
  ): Promise<boolean> {
    const matchId = randomUUID();
    const roomId = `m-${matchId}`;
    const game = gameOfMode(mode);
    try {
      // Only a server hosting the mode's game is chosen; the gateways find the recorded owner.
      const owner = await this.o.placement.ownerOf(roomId, new Set(), game);
      if (!owner) {
        this.o.log.warn({ queue, game }, 'no live room server hosts the game: tickets go back to the queue');
        await this.o.store.release(queue, token, match.tickets);
        return false;
      }
      await this.o.rosters.write(
        roomId,
        {
          matchId,
          queue,
          ...(game === undefined ? {} : { game }),
          teams: match.teams,
          tickets: match.tickets.map((t) => ({ id: t.id, players: t.players, enqueuedAt: t.enqueuedAt })),
          joinDeadlineAt: now + mode.joinDeadlineMs,
          noShow: mode.noShow,
        },
        mode.joinDeadlineMs + 600_000,
      );
      const record: MatchRecord = {
        matchId,
        queue,
        roomId,
        createdAt: now,
        teams: match.teams,
        tickets: match.tickets,
      };
      if (!(await this.o.store.finalize(token, record, KEEP_RECORDS_MS, mode.joinDeadlineMs + 60_000))) {
        // Our claims expired and went back to the queue meanwhile: this match never happened.
        this.o.log.warn({ queue, matchId }, 'claims expired before the match was recorded: dropped it');
        return false;
      }
    } catch (err) {
      // Unless the release below works, the claims expire and the sweep returns the tickets.
      this.o.redisFailures.record('allocate', err, { queue, matchId });
      await this.o.store
        .release(queue, token, match.tickets)
        .catch((e: unknown) => this.o.redisFailures.record('release_claims', e, { queue, matchId }));
      return false;
    }
    this.o.metrics.matches.inc({ queue });
    for (const t of match.tickets) this.o.metrics.timeToMatch.observe({ queue }, t.waitMs / 1000);
    return true;
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
