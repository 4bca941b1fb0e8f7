import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.js';
import type { MatchmakingKeys } from './keys.js';
import type { MatchmakingEvent, Ticket } from './types.js';

const ENQUEUE = new LuaScript(
  'arenaMmEnqueue',
  `
-- Refuses when any player already has a live ticket (returns n > 0, the n-th player) or a match
-- not yet over (-n); otherwise queues the ticket and marks every player, all at once (0).
-- KEYS[1] tickets  hash: ticket id -> ticket JSON
-- KEYS[2] pool     sorted set: waiting ticket id -> rating
-- KEYS[3] age      sorted set: waiting ticket id -> enqueue time
-- KEYS[4..] the players' state hashes
-- ARGV[1] ticketId  ARGV[2] queue  ARGV[3] rating  ARGV[4] enqueuedAt  ARGV[5] ticket JSON
-- ARGV[6] playerTtlMs   ARGV[7] leavingMatch: the match a no-show re-queue leaves ('' for none)
local tickets, pool, age = KEYS[1], KEYS[2], KEYS[3]
local ticketId, queue, rating, enqueuedAt, ticket = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local playerTtlMs, leavingMatch = ARGV[6], ARGV[7]
for i = 4, #KEYS do
  local state = redis.call('HGET', KEYS[i], 'state')
  if state == 'queued' or state == 'claimed' then return i - 3 end
  if state == 'matched' and redis.call('HGET', KEYS[i], 'match') ~= leavingMatch then return 3 - i end
end
redis.call('HSET', tickets, ticketId, ticket)
redis.call('ZADD', pool, rating, ticketId)
redis.call('ZADD', age, enqueuedAt, ticketId)
for i = 4, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], 'state', 'queued', 'ticket', ticketId, 'queue', queue)
  redis.call('PEXPIRE', KEYS[i], playerTtlMs)
end
return 0`,
);

const CANCEL = new LuaScript(
  'arenaMmCancel',
  `
-- Cancels only a ticket still waiting in its pool (1; else 0): one a matchmaker has claimed is
-- being placed in a match right now and cannot be pulled out of it.
-- KEYS[1] tickets  KEYS[2] pool  KEYS[3] age  (as in ENQUEUE)
-- KEYS[4] outcomes sorted set: "ticketId|cancelled" -> time
-- KEYS[5..] the ticket's players' state hashes
-- ARGV[1] ticketId  ARGV[2] now  ARGV[3] events channel  ARGV[4] event JSON
local tickets, pool, age, outcomes = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local ticketId, now, channel, event = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if not redis.call('ZSCORE', pool, ticketId) then return 0 end
redis.call('ZREM', pool, ticketId)
redis.call('ZREM', age, ticketId)
redis.call('HDEL', tickets, ticketId)
redis.call('ZADD', outcomes, now, ticketId .. '|cancelled')
for i = 5, #KEYS do
  if redis.call('HGET', KEYS[i], 'ticket') == ticketId then redis.call('DEL', KEYS[i]) end
end
redis.call('PUBLISH', channel, event)
return 1`,
);

const RELEASE_MATCH = new LuaScript(
  'arenaMmReleaseMatch',
  `
-- A finished match frees its players to queue again (only those still marked with it).
-- Returns how many were freed.
-- KEYS[1..] the players' state hashes
-- ARGV[1] matchId
local matchId = ARGV[1]
local n = 0
for i = 1, #KEYS do
  if redis.call('HGET', KEYS[i], 'match') == matchId and redis.call('HGET', KEYS[i], 'state') == 'matched' then
    redis.call('DEL', KEYS[i])
    n = n + 1
  end
end
return n`,
);

const MARK_AWAY = new LuaScript(
  'arenaMmMarkAway',
  `
-- Marks a queued player as disconnected (1), or does nothing for one not queued (0).
-- KEYS[1] player  the player's state hash
-- ARGV[1] mark    the mark a later cancel must still find
local player, mark = KEYS[1], ARGV[1]
if redis.call('HGET', player, 'state') ~= 'queued' then return 0 end
redis.call('HSET', player, 'away', mark)
return 1`,
);

const CANCEL_IF_STILL_AWAY = new LuaScript(
  'arenaMmCancelIfStillAway',
  `
-- Cancels a disconnected player's waiting ticket (1), unless they connected again since (any
-- gateway clears the mark at connect) or a matchmaker claimed it meanwhile (0).
-- KEYS[1] tickets  KEYS[2] pool  KEYS[3] age  (as in ENQUEUE)
-- KEYS[4] outcomes sorted set: "ticketId|disconnected" -> time
-- KEYS[5] away     the disconnected player's state hash
-- KEYS[6..] the ticket's players' state hashes
-- ARGV[1] ticketId  ARGV[2] now  ARGV[3] events channel  ARGV[4] event JSON
-- ARGV[5] mark      the mark markAway set
local tickets, pool, age, outcomes, away = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local ticketId, now, channel, event, mark = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', away, 'away') ~= mark then return 0 end
if not redis.call('ZSCORE', pool, ticketId) then return 0 end
redis.call('ZREM', pool, ticketId)
redis.call('ZREM', age, ticketId)
redis.call('HDEL', tickets, ticketId)
redis.call('ZADD', outcomes, now, ticketId .. '|disconnected')
for i = 6, #KEYS do
  if redis.call('HGET', KEYS[i], 'ticket') == ticketId then redis.call('DEL', KEYS[i]) end
end
redis.call('DEL', away)
redis.call('PUBLISH', channel, event)
return 1`,
);

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
    const refused = (await ENQUEUE.run(
      this.redis,
      [k.tickets, k.pool(queue), k.age(queue), ...players.map((p) => k.player(p))],
      [ticket.id, queue, rating, enqueuedAt, JSON.stringify(ticket), PLAYER_STATE_TTL_MS, leavingMatch],
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
    return (await RELEASE_MATCH.run(
      this.redis,
      players.map((p) => this.keys.player(p)),
      [matchId],
    )) as number;
  }

  /**
   * Marks a queued player as disconnected; returns the mark to hand to cancelIfStillAway after
   * the grace, or undefined when the player has no waiting ticket.
   */
  async markAway(playerId: string): Promise<string | undefined> {
    const mark = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    const key = this.keys.player(playerId);
    const done = (await MARK_AWAY.run(this.redis, [key], [mark])) as number;
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
    const done = (await CANCEL_IF_STILL_AWAY.run(
      this.redis,
      [
        k.tickets,
        k.pool(ticket.queue),
        k.age(ticket.queue),
        k.outcomes,
        k.player(playerId),
        ...ticket.players.map((p) => k.player(p)),
      ],
      [ticket.id, Date.now(), k.events, JSON.stringify(event), mark],
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
    const done = (await CANCEL.run(
      this.redis,
      [
        k.tickets,
        k.pool(ticket.queue),
        k.age(ticket.queue),
        k.outcomes,
        ...ticket.players.map((p) => k.player(p)),
      ],
      [ticket.id, Date.now(), k.events, JSON.stringify(event)],
    )) as number;
    return done === 1
      ? { ok: true, ticket }
      : { ok: false, code: 'matching', message: 'a match is being formed; too late to cancel' };
  }
}
