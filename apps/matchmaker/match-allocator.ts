import { randomUUID } from 'node:crypto';
import type { Logger } from '../../shared/log/logger.js';
import { gameOfMode, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { MatchRecord } from '../../shared/matchmaking/types.js';
import type { RoomPlacement } from '../../shared/placement/room-placement.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { RosterStore } from '../../shared/rooms/roster.js';
import type { FoundMatch } from './match-finder.js';
import type { MatchStore } from './match-store.js';
import type { MatchmakerMetrics } from './metrics.js';

export interface MatchAllocatorOptions {
  store: MatchStore;
  rosters: RosterStore;
  placement: RoomPlacement;
  metrics: MatchmakerMetrics;
  redisFailures: RedisFailures;
  log: Logger;
}

/** Match records and index entries are kept this long. */
export const KEEP_RECORDS_MS = 24 * 3_600_000;
/** Matches finalized per script call: bounds how long one call holds Redis. */
const FINALIZE_CHUNK = 200;

/**
 * Allocates a pass's claimed matches together: one read of the live room servers, then one
 * pipeline with, per match, its room's owner (a server hosting the mode's game) and its roster,
 * then the finalize of up to FINALIZE_CHUNK matches per script call (each recorded only while
 * every claim is still the pass's own).
 */
export class MatchAllocator {
  constructor(private readonly o: MatchAllocatorOptions) {}

  /** Returns how many of `matches` (claimed with `token`) were recorded. */
  async allocate(
    queue: string,
    mode: ModeConfig,
    token: string,
    matches: FoundMatch[],
    now: number,
  ): Promise<number> {
    const game = gameOfMode(mode);
    const placed: { match: FoundMatch; record: MatchRecord; ownerId: string }[] = [];
    try {
      const live = await this.o.placement.live();
      const unplaced: FoundMatch[] = [];
      for (const match of matches) {
        const matchId = randomUUID();
        const roomId = `m-${matchId}`;
        const owner = this.o.placement.chooseNew(roomId, live, game);
        if (!owner) {
          unplaced.push(match);
          continue;
        }
        placed.push({
          match,
          ownerId: owner.id,
          record: { matchId, queue, roomId, createdAt: now, teams: match.teams, tickets: match.tickets },
        });
      }
      if (unplaced.length > 0) {
        this.o.log.warn(
          { queue, game, matches: unplaced.length },
          'no live room server hosts the game: tickets go back to the queue',
        );
        await this.o.store.release(
          queue,
          token,
          unplaced.flatMap((m) => m.tickets),
        );
      }
      if (placed.length === 0) return 0;

      // A match's time, and each ticket's time to match, are stamped as it is finalized, not
      // when the pass began: the claim and the placement above are part of the wait.
      const finalizedAt = Date.now();
      for (const { match, record } of placed) {
        record.createdAt = finalizedAt;
        for (const t of match.tickets) t.waitMs = finalizedAt - t.enqueuedAt;
      }
      // Only a server hosting the mode's game is chosen; the gateways find the recorded owner.
      const pipeline = this.o.store.pipeline();
      for (const { match, record, ownerId } of placed) {
        this.o.placement.queueRecordNew(pipeline, record.roomId, ownerId);
        this.o.rosters.queueWrite(
          pipeline,
          record.roomId,
          {
            matchId: record.matchId,
            queue,
            ...(game === undefined ? {} : { game }),
            ...(mode.options === undefined ? {} : { options: mode.options }),
            teams: match.teams,
            tickets: match.tickets.map((t) => ({ id: t.id, players: t.players, enqueuedAt: t.enqueuedAt })),
            joinDeadlineAt: finalizedAt + mode.joinDeadlineMs,
            noShow: mode.noShow,
          },
          mode.joinDeadlineMs + 600_000,
        );
      }
      for (let i = 0; i < placed.length; i += FINALIZE_CHUNK) {
        this.o.store.queueFinalize(
          pipeline,
          token,
          placed.slice(i, i + FINALIZE_CHUNK).map((p) => p.record),
          KEEP_RECORDS_MS,
          mode.joinDeadlineMs + 60_000,
        );
      }
      const results = (await pipeline.exec()) ?? [];
      // Replies: owner and roster per match, then one list of finalize answers per chunk.
      const finalized = results.slice(placed.length * 2).flatMap(([err, done], chunk) => {
        const size = Math.min(FINALIZE_CHUNK, placed.length - chunk * FINALIZE_CHUNK);
        return err ? new Array<unknown>(size).fill(err) : (done as number[]);
      });
      let recorded = 0;
      const failedMatches: FoundMatch[] = [];
      placed.forEach(({ match, record }, i) => {
        const done = finalized[i];
        if (done === undefined || done instanceof Error) {
          this.o.redisFailures.record('allocate', done ?? new Error('no reply'), {
            queue,
            matchId: record.matchId,
          });
          failedMatches.push(match);
          return;
        }
        // The match stands even if its room's owner or roster write failed (the gateways place a
        // room without an owner record; one without a roster opens to anyone who joins).
        const writeError = results[i * 2]?.[0] ?? results[i * 2 + 1]?.[0];
        if (writeError)
          this.o.redisFailures.record('allocate', writeError, { queue, matchId: record.matchId });
        if (done !== 1) {
          // Our claims expired and went back to the queue meanwhile: this match never happened.
          this.o.log.warn(
            { queue, matchId: record.matchId },
            'claims expired before the match was recorded: dropped it',
          );
          return;
        }
        recorded++;
        this.o.metrics.matches.inc({ queue });
        for (const t of match.tickets) this.o.metrics.timeToMatch.observe({ queue }, t.waitMs / 1000);
      });
      if (failedMatches.length > 0) {
        // Unless this works, their claims expire and the sweep returns the tickets.
        await this.o.store
          .release(
            queue,
            token,
            failedMatches.flatMap((m) => m.tickets),
          )
          .catch((e: unknown) => this.o.redisFailures.record('release_claims', e, { queue }));
      }
      return recorded;
    } catch (err) {
      // Unless the release below works, the claims expire and the sweep returns the tickets.
      this.o.redisFailures.record('allocate', err, { queue, matches: matches.length });
      await this.o.store
        .release(
          queue,
          token,
          matches.flatMap((m) => m.tickets),
        )
        .catch((e: unknown) => this.o.redisFailures.record('release_claims', e, { queue }));
      return 0;
    }
  }
}
