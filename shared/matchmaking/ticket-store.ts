import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { MatchmakingKeys } from './keys.js';
import type { MatchmakingEvent, Ticket } from './types.js';

// Refuses when any player already has a live ticket (n > 0) or a match not yet over (-n;
// ARGV[7] names the match being left, for a no-show re-queue); otherwise queues the ticket
// and marks every player, all at once.
const ENQUEUE = `
for i = 4, #KEYS do
  local state = redis.call('HGET', KEYS[i], 'state')
  if state == 'queued' or state == 'claimed' then return i - 3 end
  if state == 'matched' and redis.call('HGET', KEYS[i], 'match') ~= ARGV[7] then return 3 - i end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
for i = 4, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], 'state', 'queued', 'ticket', ARGV[1], 'queue', ARGV[2])
  redis.call('PEXPIRE', KEYS[i], ARGV[6])
end
return 0`;

// Cancels only a ticket still waiting in its pool: one a matchmaker has claimed is being
// placed in a match right now and cannot be pulled out of it.
const CANCEL = `
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1] .. '|cancelled')
for i = 5, #KEYS do
  if redis.call('HGET', KEYS[i], 'ticket') == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`;

// A finished match frees its players to queue again (only those still marked with it).
const RELEASE_MATCH = `
local n = 0
for i = 1, #KEYS do
  if redis.call('HGET', KEYS[i], 'match') == ARGV[1] and redis.call('HGET', KEYS[i], 'state') == 'matched' then
    redis.call('DEL', KEYS[i])
    n = n + 1
  end
end
return n`;

// Cancels a disconnected player's waiting ticket, unless they connected again since
// (any gateway clears the mark at connect) or a matchmaker claimed it meanwhile.
const CANCEL_IF_STILL_AWAY = `
if redis.call('HGET', KEYS[5], 'away') ~= ARGV[5] then return 0 end
if not redis.call('ZSCORE', KEYS[2], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1] .. '|disconnected')
for i = 6, #KEYS do
  if redis.call('HGET', KEYS[i], 'ticket') == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('DEL', KEYS[5])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`;

export interface PlayerQueueStatus {
  state?: 'queued' | 'claimed' | 'matched';
  ticket?: string;
  queue?: string;
  match?: string;
  room?: string;
  teams?: string;
}

export type EnqueueResult =
  { ok: true; ticket: Ticket } | { ok: false; code: 'already_queued' | 'already_matched'; message: string };
export type CancelResult =
  { ok: true; ticket: Ticket } | { ok: false; code: 'not_queued' | 'matching'; message: string };

/** How long a party acceptance stays valid. */
export const PARTY_ACCEPT_TTL_MS = 10 * 60_000;

/** A queued ticket's player state is kept at most this long (a leak guard; timeouts clear it). */
const PLAYER_STATE_TTL_MS = 24 * 3_600_000;

/** Tickets in and out of queues: what gateways (and room servers, to re-queue) use. */
export class TicketStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: MatchmakingKeys,
  ) {}

  /**
   * Queues players (one, or a party kept together); refuses if any of them is queued already
   * or in a match that has not ended (`leavingMatch`: the match a no-show re-queue leaves).
   */
  async enqueue(
    queue: string,
    players: string[],
    rating: number,
    enqueuedAt = Date.now(),
    leavingMatch = '',
  ): Promise<EnqueueResult> {
    const ticket: Ticket = { id: `t-${randomUUID()}`, queue, players, rating, enqueuedAt };
    const k = this.keys;
    const refused = (await this.redis.eval(
      ENQUEUE,
      3 + players.length,
      k.tickets,
      k.pool(queue),
      k.age(queue),
      ...players.map((p) => k.player(p)),
      ticket.id,
      queue,
      String(rating),
      String(enqueuedAt),
      JSON.stringify(ticket),
      String(PLAYER_STATE_TTL_MS),
      leavingMatch,
    )) as number;
    if (refused > 0) {
      const who = players[refused - 1]!;
      return {
        ok: false,
        code: 'already_queued',
        message: `${who} is already in a queue; cancel that first`,
      };
    }
    if (refused < 0) {
      const who = players[-refused - 1]!;
      return {
        ok: false,
        code: 'already_matched',
        message: `${who} is in a match that has not ended; play it (or wait for it to end) first`,
      };
    }
    return { ok: true, ticket };
  }

  /** The match ended: its players may queue again. Returns how many were freed. */
  async releaseMatch(matchId: string, players: string[]): Promise<number> {
    if (players.length === 0) return 0;
    return (await this.redis.eval(
      RELEASE_MATCH,
      players.length,
      ...players.map((p) => this.keys.player(p)),
      matchId,
    )) as number;
  }

  /**
   * Marks a queued player as disconnected; returns the mark to hand to cancelIfStillAway after
   * the grace, or undefined when the player has no waiting ticket.
   */
  async markAway(playerId: string): Promise<string | undefined> {
    const mark = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const key = this.keys.player(playerId);
    const done = (await this.redis.eval(
      `if redis.call('HGET', KEYS[1], 'state') ~= 'queued' then return 0 end
       redis.call('HSET', KEYS[1], 'away', ARGV[1])
       return 1`,
      1,
      key,
      mark,
    )) as number;
    return done === 1 ? mark : undefined;
  }

  /** The player connected (to any gateway): a pending disconnect cancel no longer applies. */
  async markBack(playerId: string): Promise<void> {
    await this.redis.hdel(this.keys.player(playerId), 'away');
  }

  /**
   * Cancels the ticket of a player still away since `mark` (the whole party's; every member is
   * told, reason "disconnected"). Returns the ticket cancelled, or undefined.
   */
  async cancelIfStillAway(playerId: string, mark: string): Promise<Ticket | undefined> {
    const status = await this.status(playerId);
    if (status.state !== 'queued' || !status.ticket) return undefined;
    const raw = await this.redis.hget(this.keys.tickets, status.ticket);
    if (!raw) return undefined;
    const ticket = JSON.parse(raw) as Ticket;
    const event: MatchmakingEvent = {
      type: 'queue_ended',
      players: ticket.players,
      queue: ticket.queue,
      reason: 'disconnected',
      message: `matchmaking cancelled: ${playerId} disconnected`,
    };
    const k = this.keys;
    const done = (await this.redis.eval(
      CANCEL_IF_STILL_AWAY,
      5 + ticket.players.length,
      k.tickets,
      k.pool(ticket.queue),
      k.age(ticket.queue),
      k.outcomes,
      k.player(playerId),
      ...ticket.players.map((p) => k.player(p)),
      ticket.id,
      String(Date.now()),
      k.events,
      JSON.stringify(event),
      mark,
    )) as number;
    return done === 1 ? ticket : undefined;
  }

  /** Tells the ticket's players (through their gateways) that they are queued. */
  async announceQueued(ticket: Ticket): Promise<void> {
    const event: MatchmakingEvent = {
      type: 'queued',
      players: ticket.players,
      queue: ticket.queue,
      ticketId: ticket.id,
    };
    await this.redis.publish(this.keys.events, JSON.stringify(event));
  }

  /** Records that `member` agrees to be queued by `leader` (for PARTY_ACCEPT_TTL_MS). */
  async acceptParty(leader: string, member: string): Promise<void> {
    await this.redis
      .multi()
      .sadd(this.keys.party(leader), member)
      .pexpire(this.keys.party(leader), PARTY_ACCEPT_TTL_MS)
      .exec();
  }

  /** Takes back `member`'s acceptance of `leader`'s party. */
  async withdrawParty(leader: string, member: string): Promise<void> {
    await this.redis.srem(this.keys.party(leader), member);
  }

  /** The members of `members` who have not accepted `leader`'s party. */
  async notInParty(leader: string, members: string[]): Promise<string[]> {
    if (members.length === 0) return [];
    const flags = await this.redis.smismember(this.keys.party(leader), ...members);
    return members.filter((_, i) => flags[i] !== 1);
  }

  async status(playerId: string): Promise<PlayerQueueStatus> {
    return (await this.redis.hgetall(this.keys.player(playerId))) as PlayerQueueStatus;
  }

  /** Cancels the player's ticket (the whole party's); its other players are told. */
  async cancel(playerId: string): Promise<CancelResult> {
    const status = await this.status(playerId);
    if (!status.ticket || !status.queue || status.state === 'matched') {
      return { ok: false, code: 'not_queued', message: 'not in a queue' };
    }
    if (status.state === 'claimed')
      return { ok: false, code: 'matching', message: 'a match is being formed; too late to cancel' };
    const raw = await this.redis.hget(this.keys.tickets, status.ticket);
    if (!raw) return { ok: false, code: 'not_queued', message: 'not in a queue' };
    const ticket = JSON.parse(raw) as Ticket;
    const event: MatchmakingEvent = {
      type: 'queue_ended',
      players: ticket.players,
      queue: ticket.queue,
      reason: 'cancelled',
      message: `matchmaking cancelled by ${playerId}`,
    };
    const k = this.keys;
    const done = (await this.redis.eval(
      CANCEL,
      4 + ticket.players.length,
      k.tickets,
      k.pool(ticket.queue),
      k.age(ticket.queue),
      k.outcomes,
      ...ticket.players.map((p) => k.player(p)),
      ticket.id,
      String(Date.now()),
      k.events,
      JSON.stringify(event),
    )) as number;
    return done === 1
      ? { ok: true, ticket }
      : { ok: false, code: 'matching', message: 'a match is being formed; too late to cancel' };
  }
}
