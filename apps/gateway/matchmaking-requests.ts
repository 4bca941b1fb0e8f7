import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import type { MatchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { MatchmakingEvent } from '../../shared/matchmaking/types.js';
import { encodeServerMessage, ErrorCode, type ServerMessage } from '../../shared/protocol/index.js';
import type { MatchmakingRatings } from '../../shared/ratings/matchmaking-ratings.js';
import type { ClientConnection } from './client-connection.js';

export interface MatchmakingRequestsOptions {
  tickets: TicketStore;
  ratings: MatchmakingRatings;
  keys: MatchmakingKeys;
  /** The queues that exist ("mode.region"). */
  queues: ReadonlySet<string>;
  /** Whether the player currently has a room on this gateway (then they cannot queue). */
  inRoom: (playerId: string) => boolean;
  /** The connection holding this player on this gateway, if any. */
  connectionOf: (playerId: string) => ClientConnection | undefined;
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

  constructor(private readonly o: MatchmakingRequestsOptions) {}

  /** Subscribes with its own connection (a subscribed Redis connection can do nothing else). */
  async listen(redis: Redis): Promise<void> {
    this.subscriber = redis.duplicate();
    this.subscriber.on('message', (_channel: string, message: string) => this.relay(message));
    await this.subscriber.subscribe(this.o.keys.events);
  }

  close(): void {
    this.subscriber?.disconnect();
  }

  async queue(conn: ClientConnection, queue: string): Promise<void> {
    if (!this.o.queues.has(queue)) {
      return this.error(
        conn,
        ErrorCode.UnknownQueue,
        `no queue "${queue}"; queues: ${[...this.o.queues].join(', ')}`,
      );
    }
    if (this.o.inRoom(conn.playerId))
      return this.error(conn, ErrorCode.AlreadyInRoom, 'leave your room before queueing');
    const rating = await this.o.ratings.of([conn.playerId]);
    const result = await this.o.tickets.enqueue(queue, [conn.playerId], rating);
    if (!result.ok) return this.error(conn, ErrorCode.AlreadyQueued, result.message);
    conn.send(encodeServerMessage({ type: 'queued', queue, ticketId: result.ticket.id }));
  }

  async cancel(conn: ClientConnection): Promise<void> {
    const result = await this.o.tickets.cancel(conn.playerId);
    // On success every party member, this player included, hears it through the channel.
    if (!result.ok) this.error(conn, ErrorCode.NotQueued, result.message);
  }

  /** Tells a player who just connected where they stand: still queued, or matched meanwhile. */
  async connected(conn: ClientConnection): Promise<void> {
    const status = await this.o.tickets.status(conn.playerId);
    if ((status.state === 'queued' || status.state === 'claimed') && status.queue && status.ticket) {
      conn.send(encodeServerMessage({ type: 'queued', queue: status.queue, ticketId: status.ticket }));
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
    for (const playerId of event.players) this.o.connectionOf(playerId)?.send(frame);
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
    case 'requeued':
      return { type: 'queued', queue: e.queue, ticketId: e.ticketId };
  }
}
