import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import type { MatchmakingKeys } from '../../shared/matchmaking/keys.js';
import { gameOfMode, modeOfQueue, type ModeConfig } from '../../shared/matchmaking/modes.js';
import type { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { MatchmakingEvent } from '../../shared/matchmaking/types.js';
import { encodeServerMessage, ErrorCode, type ServerMessage } from '../../shared/protocol/index.js';
import type { MatchmakingRatings } from '../../shared/rankings/matchmaking-ratings.js';
import { duplicateRedis } from '../../shared/redis/connect.js';
import type { ClientConnection } from './client-connection.js';
import type { QueueWatch } from './queue-watch.js';

export interface MatchmakingRequestsOptions {
  tickets: TicketStore;
  ratings: MatchmakingRatings;
  keys: MatchmakingKeys;
  /** The queues that exist ("mode.region"), and their modes. */
  queues: ReadonlySet<string>;
  modes: Record<string, ModeConfig>;
  /** Whether the player currently has a room on this gateway (then they cannot queue). */
  inRoom: (playerId: string) => boolean;
  /** The connection holding this player on this gateway, if any. */
  connectionOf: (playerId: string) => ClientConnection | undefined;
  /** Checks that the tickets of the players told "queued" here still exist (Redis restarts). */
  watch: QueueWatch;
  /** The rooms these players hold seats in (any gateway, any room server), in order; null: none. */
  seatsOf: (playerIds: string[]) => Promise<(string | null)[]>;
  /** A queued player disconnected this long (and back nowhere) loses the ticket. */
  awayGraceMs: number;
  log: Logger;
}

/**
 * The gateway's side of matchmaking: turns queue and cancel requests into tickets, and
 * relays match_found / queue_ended from the matchmakers (one Redis pub/sub channel) to the
 * players connected here. A player who was offline when their match was found learns of
 * it when they connect again.
 */
export class MatchmakingRequests {
  private subscriber: Redis | undefined;
  /** Pending cancels of disconnected players' tickets, by player. */
  private readonly awayTimers = new Map<string, NodeJS.Timeout>();
  /** Tickets cancelled because a player stayed disconnected past the grace. */
  cancelledAway = 0;

  constructor(private readonly o: MatchmakingRequestsOptions) {}

  /** Subscribes with its own connection (a subscribed Redis connection can do nothing else). */
  async listen(redis: Redis): Promise<void> {
    this.subscriber = await duplicateRedis(redis, { name: 'gateway matchmaking events', log: this.o.log });
    this.subscriber.on('message', (_channel: string, message: string) => this.relay(message));
    await this.subscriber.subscribe(this.o.keys.events);
  }

  close(): void {
    this.subscriber?.disconnect();
    for (const timer of this.awayTimers.values()) clearTimeout(timer);
    this.awayTimers.clear();
  }

  /** Queues the player, or the party they lead (every member must have accepted first). */
  async queue(conn: ClientConnection, queue: string, party: string[]): Promise<void> {
    const mode = modeOfQueue(queue, this.o.modes);
    if (!mode || !this.o.queues.has(queue)) {
      return this.error(
        conn,
        ErrorCode.UnknownQueue,
        `no queue "${queue}"; queues: ${[...this.o.queues].join(', ')}`,
      );
    }
    const players = [conn.playerId, ...new Set(party.filter((p) => p !== conn.playerId))];
    if (players.length > mode.teamSize) {
      return this.error(
        conn,
        ErrorCode.BadRequest,
        `a party in ${queue} has at most ${mode.teamSize} players`,
      );
    }
    const refused = await this.o.tickets.notInParty(conn.playerId, players.slice(1));
    if (refused.length > 0) {
      return this.error(
        conn,
        ErrorCode.BadRequest,
        `not in your party (they must accept first): ${refused.join(', ')}`,
      );
    }
    if (this.o.inRoom(conn.playerId))
      return this.error(conn, ErrorCode.AlreadyInRoom, 'leave your room before queueing');
    // A seat anywhere (another session, another gateway) counts too: one match per player.
    const seats = await this.o.seatsOf(players);
    const seated = players.findIndex((_, i) => seats[i]);
    if (seated >= 0) {
      const who = seated === 0 ? 'you hold' : `${players[seated]} holds`;
      return this.error(conn, ErrorCode.AlreadyInRoom, `${who} a seat in a room; leave it before queueing`);
    }
    // The mode's game's rating (a mode that names no game: the reference game's).
    const rating = await this.o.ratings.of(players, gameOfMode(mode));
    let result: Awaited<ReturnType<TicketStore['enqueue']>>;
    try {
      result = await this.o.tickets.enqueue(queue, players, rating);
    } catch (err) {
      this.o.watch.uncertain(conn); // a timed-out enqueue may still have run
      throw err;
    }
    if (!result.ok) {
      const code = result.code === 'already_matched' ? ErrorCode.AlreadyMatched : ErrorCode.AlreadyQueued;
      return this.error(conn, code, result.message);
    }
    if (players.length > 1) await this.o.tickets.announceQueued(result.ticket);
    else {
      conn.send(encodeServerMessage({ type: 'queued', queue, ticketId: result.ticket.id }));
      this.o.watch.queued(conn, queue, result.ticket.id);
    }
  }

  async acceptParty(conn: ClientConnection, leader: string): Promise<void> {
    if (leader === conn.playerId)
      return this.error(conn, ErrorCode.BadRequest, 'you lead your own party already');
    await this.o.tickets.acceptParty(leader, conn.playerId);
    conn.send(encodeServerMessage({ type: 'party_accepted', leader }));
  }

  /**
   * Takes back an acceptance: the leader can no longer queue this player. A party already
   * queued with them stays queued (cancel_queue, from any member, ends it).
   */
  async withdrawParty(conn: ClientConnection, leader: string): Promise<void> {
    await this.o.tickets.withdrawParty(leader, conn.playerId);
    conn.send(encodeServerMessage({ type: 'party_withdrawn', leader }));
  }

  async cancel(conn: ClientConnection): Promise<void> {
    const result = await this.o.tickets.cancel(conn.playerId);
    // On success every party member, this player included, hears it through the channel.
    if (!result.ok) this.error(conn, ErrorCode.NotQueued, result.message);
  }

  /**
   * A player's connection here closed: if they have a waiting ticket and are not back on any
   * gateway within the grace, the ticket is cancelled (counted, logged, the party told).
   */
  async disconnected(conn: ClientConnection): Promise<void> {
    const playerId = conn.playerId;
    if (this.o.connectionOf(playerId)) return; // connected here again already
    const mark = await this.o.tickets.markAway(playerId);
    if (!mark) return;
    clearTimeout(this.awayTimers.get(playerId));
    const timer = setTimeout(() => {
      this.awayTimers.delete(playerId);
      this.o.tickets.cancelIfStillAway(playerId, mark).then(
        (ticket) => {
          if (!ticket) return;
          this.cancelledAway++;
          this.o.log.info(
            { playerId, ticketId: ticket.id, queue: ticket.queue, players: ticket.players },
            'ticket cancelled: player disconnected past the grace',
          );
        },
        (err: unknown) =>
          this.o.log.warn({ err, playerId }, 'could not cancel a disconnected player’s ticket'),
      );
    }, this.o.awayGraceMs);
    timer.unref();
    this.awayTimers.set(playerId, timer);
  }

  /** Tells a player who just connected where they stand: still queued, or matched meanwhile. */
  async connected(conn: ClientConnection): Promise<void> {
    let status: Awaited<ReturnType<TicketStore['status']>>;
    clearTimeout(this.awayTimers.get(conn.playerId));
    this.awayTimers.delete(conn.playerId);
    try {
      await this.o.tickets.markBack(conn.playerId);
      status = await this.o.tickets.status(conn.playerId);
    } catch (err) {
      this.o.watch.uncertain(conn); // the next check tells them where they stand
      throw err;
    }
    if ((status.state === 'queued' || status.state === 'claimed') && status.queue && status.ticket) {
      conn.send(encodeServerMessage({ type: 'queued', queue: status.queue, ticketId: status.ticket }));
      this.o.watch.queued(conn, status.queue, status.ticket);
    } else if (
      status.state === 'matched' &&
      status.match &&
      status.room &&
      status.queue &&
      !this.o.inRoom(conn.playerId)
    ) {
      const teams = JSON.parse(status.teams ?? '[]') as string[][];
      conn.send(
        encodeServerMessage({
          type: 'match_found',
          matchId: status.match,
          roomId: status.room,
          queue: status.queue,
          teams,
        }),
      );
    }
  }

  private relay(message: string): void {
    let event: MatchmakingEvent;
    try {
      event = JSON.parse(message) as MatchmakingEvent;
    } catch {
      this.o.log.warn('malformed matchmaking event ignored');
      return;
    }
    const frame = encodeServerMessage(toClientMessage(event));
    for (const playerId of event.players) {
      const conn = this.o.connectionOf(playerId);
      if (!conn) continue;
      if (event.type === 'queued') this.o.watch.queued(conn, event.queue, event.ticketId);
      else if (event.type === 'match_found' && !this.o.watch.firstMatchNotice(playerId, event.matchId))
        continue; // the queue check already told them
      else this.o.watch.ended(playerId);
      conn.send(frame);
    }
  }

  private error(conn: ClientConnection, code: string, message: string): void {
    conn.send(encodeServerMessage({ type: 'error', code, message }));
  }
}

function toClientMessage(e: MatchmakingEvent): ServerMessage {
  switch (e.type) {
    case 'match_found':
      return { type: 'match_found', matchId: e.matchId, roomId: e.roomId, queue: e.queue, teams: e.teams };
    case 'queue_ended':
      return { type: 'queue_ended', queue: e.queue, reason: e.reason, message: e.message };
    case 'queued':
      return { type: 'queued', queue: e.queue, ticketId: e.ticketId };
  }
}
