import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import type { MatchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { PlayerQueueStatus } from '../../shared/matchmaking/ticket-store.js';
import { encodeServerMessage, type ServerMessage } from '../../shared/protocol/index.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { ClientConnection } from './client-connection.js';

export interface QueueWatchOptions {
  redis: Redis;
  keys: MatchmakingKeys;
  /** The connection holding this player on this gateway, if any. */
  connectionOf: (playerId: string) => ClientConnection | undefined;
  /** Whether the player is in (or on the way into) a room here. */
  inRoom: (playerId: string) => boolean;
  /** Period of the check (GATEWAY_TICKET_CHECK_MS); it also runs at once when Redis is back. */
  intervalMs: number;
  /**
   * How long a ticket must stay missing (or matched without a notice) before the gateway acts:
   * the pub/sub notice of a timeout, cancel or match that is already on its way arrives first.
   */
  confirmMs: number;
  failures: RedisFailures;
  log: Logger;
}

/** What this gateway told a player: queued with a ticket, or that a queue request failed. */
type Entry =
  | { kind: 'queued'; conn: ClientConnection; queue: string; ticketId: string }
  | { kind: 'uncertain'; conn: ClientConnection };

/** Told to players whose ticket Redis no longer has. */
export const LOST_TICKET_MESSAGE = 'matchmaking lost your ticket (its storage restarted); queue again';

/**
 * Keeps the players queued on this gateway honest with Redis. A Redis restart without
 * persistence, or a failover that lost the last writes, makes tickets vanish without any
 * `queue_ended`; pub/sub notices published while this gateway was reconnecting are lost. So
 * every intervalMs (and at once when Redis is back) the gateway reads the queue state of the
 * players it told "queued" (or whose queue request failed, maybe after Redis ran it) and:
 *   - ticket gone: `queue_ended` reason `lost` ("queue again"), counted in ticketsLost;
 *   - matched meanwhile: the `match_found` they missed; queued after all: `queued`.
 * Interface: queued(), uncertain(), ended(), firstMatchNotice(), start(), stop(), check().
 */
export class QueueWatch {
  private readonly entries = new Map<string, Entry>();
  /** Match notices this watch sent itself: the relayed copy, if it still comes, is not repeated. */
  private readonly sentMatch = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  /** Players told `queue_ended: lost`. */
  ticketsLost = 0;
  /** `match_found` or `queued` notices a player had missed, sent by the check. */
  noticesRecovered = 0;
  /** Checks completed (whether or not Redis answered). */
  checks = 0;

  constructor(private readonly o: QueueWatchOptions) {}

  get watching(): number {
    return this.entries.size;
  }

  /** The player was told they are queued with this ticket. */
  queued(conn: ClientConnection, queue: string, ticketId: string): void {
    this.entries.set(conn.playerId, { kind: 'queued', conn, queue, ticketId });
    this.sentMatch.delete(conn.playerId);
  }

  /** A queue request (or status read) failed: Redis may still have queued them. */
  uncertain(conn: ClientConnection): void {
    if (!this.entries.has(conn.playerId)) this.entries.set(conn.playerId, { kind: 'uncertain', conn });
  }

  /** The player's ticket ended (matched, timed out, cancelled) and they were told. */
  ended(playerId: string): void {
    this.entries.delete(playerId);
  }

  /** False when this watch already told the player about this match (do not repeat it). */
  firstMatchNotice(playerId: string, matchId: string): boolean {
    if (this.sentMatch.get(playerId) !== matchId) return true;
    this.sentMatch.delete(playerId);
    return false;
  }

  start(): void {
    this.timer = setInterval(() => void this.check(), this.o.intervalMs);
    this.timer.unref();
    // A reconnect may follow a restart or a failover: look now rather than at the next period.
    this.o.redis.on('ready', this.onRedisReady);
  }

  stop(): void {
    clearInterval(this.timer);
    this.o.redis.off('ready', this.onRedisReady);
  }

  private readonly onRedisReady = (): void => void this.check();

  /** One pass over the watched players (a call during a pass runs another one after it). */
  check(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => {
      this.checks++;
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.check();
      }
    });
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const playerId of this.sentMatch.keys())
      if (!this.o.connectionOf(playerId)) this.sentMatch.delete(playerId);
    const suspects = await this.review([...this.entries.keys()], false);
    if (suspects.length === 0) return;
    await new Promise((r) => setTimeout(r, this.o.confirmMs));
    await this.review(suspects, true);
  }

  /** Reads the players' queue state and acts on it; returns the players to look at again. */
  private async review(playerIds: string[], confirming: boolean): Promise<string[]> {
    const watched = playerIds.flatMap((playerId) => {
      const entry = this.entries.get(playerId);
      if (!entry) return [];
      if (this.o.connectionOf(playerId) !== entry.conn) {
        this.entries.delete(playerId); // gone from this gateway: its next gateway asks on connect
        return [];
      }
      return [{ playerId, entry }];
    });
    if (watched.length === 0) return [];
    let statuses: PlayerQueueStatus[];
    try {
      statuses = await this.read(watched.map((w) => w.playerId));
    } catch (err) {
      this.o.failures.record('ticket_check', err, { players: watched.length });
      return [];
    }
    const suspects: string[] = [];
    watched.forEach(({ playerId, entry }, i) => {
      // A notice relayed meanwhile settled it (the entry was replaced or removed).
      if (this.entries.get(playerId) !== entry) return;
      const verdict = this.judge(playerId, entry, statuses[i]!, confirming);
      if (verdict === 'suspect') suspects.push(playerId);
    });
    return suspects;
  }

  private judge(
    playerId: string,
    entry: Entry,
    s: PlayerQueueStatus,
    confirming: boolean,
  ): 'ok' | 'suspect' | 'done' {
    const waiting = (s.state === 'queued' || s.state === 'claimed') && s.ticket && s.queue;
    if (waiting && entry.kind === 'queued' && s.ticket === entry.ticketId) return 'ok';
    if (!confirming && !(waiting && entry.kind === 'uncertain')) return 'suspect';
    if (waiting) {
      // Queued after all (a request that timed out still ran), or re-queued with a new ticket.
      this.entries.set(playerId, { kind: 'queued', conn: entry.conn, queue: s.queue!, ticketId: s.ticket! });
      this.tell(entry.conn, { type: 'queued', queue: s.queue!, ticketId: s.ticket! });
      this.noticesRecovered++;
      return 'done';
    }
    this.entries.delete(playerId);
    if (s.state === 'matched' && s.match && s.room && s.queue) {
      if (this.o.inRoom(playerId)) return 'done';
      this.sentMatch.set(playerId, s.match);
      this.tell(entry.conn, {
        type: 'match_found',
        matchId: s.match,
        roomId: s.room,
        queue: s.queue,
        teams: JSON.parse(s.teams ?? '[]') as string[][],
      });
      this.noticesRecovered++;
      this.o.log.warn({ playerId, matchId: s.match }, 'match notice was missed: sent it now');
      return 'done';
    }
    if (entry.kind === 'uncertain') return 'done'; // the failed request really left no ticket
    this.ticketsLost++;
    this.o.log.warn(
      { playerId, queue: entry.queue, ticketId: entry.ticketId },
      'ticket lost from Redis: player told to queue again',
    );
    this.tell(entry.conn, {
      type: 'queue_ended',
      queue: entry.queue,
      reason: 'lost',
      message: LOST_TICKET_MESSAGE,
    });
    return 'done';
  }

  private async read(playerIds: string[]): Promise<PlayerQueueStatus[]> {
    const pipeline = this.o.redis.pipeline();
    for (const id of playerIds) pipeline.hgetall(this.o.keys.player(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, value]) => {
      if (err) throw err;
      return value as PlayerQueueStatus;
    });
  }

  private tell(conn: ClientConnection, msg: ServerMessage): void {
    conn.send(encodeServerMessage(msg));
  }
}
