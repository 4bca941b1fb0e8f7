import type { ChainableCommander, Redis } from 'ioredis';
import type { MatchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { MatchmakingEvent, MatchRecord, Ticket } from '../../shared/matchmaking/types.js';
import { LuaScript } from '../../shared/redis/lua-script.js';

const OLDEST = new LuaScript(
  'arenaMmOldest',
  `
-- The oldest waiting tickets of a queue, as ticket JSON (a ticket gone meanwhile: false).
-- KEYS[1] age      sorted set: ticket id -> enqueue time
-- KEYS[2] tickets  hash: ticket id -> ticket JSON
-- ARGV[1] count    how many
local age, tickets = KEYS[1], KEYS[2]
local count = tonumber(ARGV[1])
local ids = redis.call('ZRANGE', age, 0, count - 1)
local out = {}
-- HMGET in chunks: unpack has a stack limit
for i = 1, #ids, 1000 do
  local chunk = redis.call('HMGET', tickets, unpack(ids, i, math.min(i + 999, #ids)))
  for _, raw in ipairs(chunk) do out[#out + 1] = raw end
end
return out`,
);

const CLAIM_MATCHES = new LuaScript(
  'arenaMmClaimMatches',
  `
-- Claims a pass's matches, each all or nothing: a match is claimed only if every one of its
-- tickets still waits in the pool (another matchmaker may have taken one). Returns 1 or 0 per
-- match, in order.
-- KEYS[1] pool     sorted set: waiting ticket id -> rating
-- KEYS[2] age      sorted set: waiting ticket id -> enqueue time
-- KEYS[3] claimed  sorted set: claimed ticket id -> claim deadline
-- KEYS[4] claims   hash: claimed ticket id -> claim token
-- ARGV[1] token          this pass's claim token
-- ARGV[2] deadline       claim deadline (ms); past it the sweep puts the tickets back
-- ARGV[3] playerPrefix   player state key = playerPrefix .. player id (same {mm} slot)
-- ARGV[4..] matches      per match: ticket count, then per ticket: id, player count, player ids
local pool, age, claimed, claims = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, deadline, playerPrefix = ARGV[1], ARGV[2], ARGV[3]
local results = {}
local i = 4
while i <= #ARGV do
  local nTickets = tonumber(ARGV[i])
  i = i + 1
  local tickets = {}
  local free = true
  for _ = 1, nTickets do
    local id, nPlayers = ARGV[i], tonumber(ARGV[i + 1])
    local players = {}
    for p = 1, nPlayers do players[p] = ARGV[i + 1 + p] end
    i = i + 2 + nPlayers
    tickets[#tickets + 1] = {id = id, players = players}
    if free and not redis.call('ZSCORE', pool, id) then free = false end
  end
  if free then
    for _, t in ipairs(tickets) do
      redis.call('ZREM', pool, t.id)
      redis.call('ZREM', age, t.id)
      redis.call('ZADD', claimed, deadline, t.id)
      redis.call('HSET', claims, t.id, token)
      for _, p in ipairs(t.players) do redis.call('HSET', playerPrefix .. p, 'state', 'claimed') end
    end
  end
  results[#results + 1] = free and 1 or 0
end
return results`,
);

const FINALIZE_MATCHES = new LuaScript(
  'arenaMmFinalizeMatches',
  `
-- Records claimed matches, each only if every one of its claims is still ours: record, player
-- states and the notification happen together or not at all. Returns 1 per match recorded,
-- 0 per match that lost a claim meanwhile (it never happened), in order.
-- KEYS[1] claimed   sorted set: claimed ticket id -> claim deadline
-- KEYS[2] claims    hash: claimed ticket id -> claim token
-- KEYS[3] tickets   hash: ticket id -> ticket JSON
-- KEYS[4] matches   sorted set: match id -> creation time
-- KEYS[5] outcomes  sorted set: "ticketId|match:<id>" -> time
-- ARGV[1] token        the claim token
-- ARGV[2] createdAt    the matches' creation time (ms)
-- ARGV[3] matchTtlMs   how long a match record is kept
-- ARGV[4] playerTtlMs  how long a player's matched state is kept
-- ARGV[5] channel      events channel
-- ARGV[6] matchPrefix  match record key = matchPrefix .. match id (same {mm} slot)
-- ARGV[7] playerPrefix player state key = playerPrefix .. player id (same {mm} slot)
-- ARGV[8] queue
-- ARGV[9..] per match: matchId, roomId, record JSON, event JSON, teams JSON,
--           ticket count, ticket ids, player count, player ids
local claimed, claims, tickets, matches, outcomes = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, createdAt, matchTtlMs, playerTtlMs = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local channel, matchPrefix, playerPrefix, queue = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local results = {}
local i = 9
while i <= #ARGV do
  local matchId, roomId, record, event, teams = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4]
  local nTickets = tonumber(ARGV[i + 5])
  local firstTicket = i + 6
  local nPlayers = tonumber(ARGV[firstTicket + nTickets])
  local firstPlayer = firstTicket + nTickets + 1
  i = firstPlayer + nPlayers
  local ours = true
  for t = firstTicket, firstTicket + nTickets - 1 do
    if redis.call('HGET', claims, ARGV[t]) ~= token then ours = false break end
  end
  if ours then
    for t = firstTicket, firstTicket + nTickets - 1 do
      local id = ARGV[t]
      redis.call('ZREM', claimed, id)
      redis.call('HDEL', claims, id)
      redis.call('HDEL', tickets, id)
      redis.call('ZADD', outcomes, createdAt, id .. '|match:' .. matchId)
    end
    redis.call('SET', matchPrefix .. matchId, record, 'PX', matchTtlMs)
    redis.call('ZADD', matches, createdAt, matchId)
    for p = firstPlayer, firstPlayer + nPlayers - 1 do
      local key = playerPrefix .. ARGV[p]
      redis.call('DEL', key)
      redis.call('HSET', key, 'state', 'matched', 'match', matchId, 'room', roomId, 'queue', queue, 'teams', teams)
      redis.call('PEXPIRE', key, playerTtlMs)
    end
    redis.call('PUBLISH', channel, event)
  end
  results[#results + 1] = ours and 1 or 0
end
return results`,
);

const PUT_BACK = new LuaScript(
  'arenaMmPutBack',
  `
-- Puts claimed tickets back in their pool with their original rating and enqueue time
-- (priority kept). Returns how many went back.
-- KEYS[1] pool  KEYS[2] age  KEYS[3] claimed  KEYS[4] claims  KEYS[5] tickets (as in CLAIM_MATCHES)
-- ARGV[1] token          the claim token to match, or '' for any claim past its deadline
-- ARGV[2] deadline       with token '': claims whose deadline is at most this go back (500 at most)
-- ARGV[3] playerPrefix   player state key = playerPrefix .. player id
-- ARGV[4..] ticket ids   with a token: the tickets to put back if that token still holds them
local pool, age, claimed, claims, tickets = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, deadline, playerPrefix = ARGV[1], ARGV[2], ARGV[3]
local ids
if token == '' then
  ids = redis.call('ZRANGEBYSCORE', claimed, '-inf', deadline, 'LIMIT', 0, 500)
else
  ids = {}
  for i = 4, #ARGV do
    if redis.call('HGET', claims, ARGV[i]) == token then ids[#ids + 1] = ARGV[i] end
  end
end
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', tickets, id)
  redis.call('ZREM', claimed, id)
  redis.call('HDEL', claims, id)
  if raw then
    local t = cjson.decode(raw)
    redis.call('ZADD', pool, t.rating, id)
    redis.call('ZADD', age, t.enqueuedAt, id)
    for _, p in ipairs(t.players) do
      local key = playerPrefix .. p
      if redis.call('HGET', key, 'ticket') == id then redis.call('HSET', key, 'state', 'queued') end
    end
  end
end
return #ids`,
);

const TIME_OUT = new LuaScript(
  'arenaMmTimeOut',
  `
-- Gives up tickets that waited past the queue's limit (500 at most per call), telling their
-- players why. Returns how many.
-- KEYS[1] pool  KEYS[2] age  KEYS[3] tickets  KEYS[4] outcomes
-- ARGV[1] cutoff        tickets enqueued at or before this (ms) time out
-- ARGV[2] now           outcome time
-- ARGV[3] playerPrefix  player state key = playerPrefix .. player id
-- ARGV[4] channel       events channel
-- ARGV[5] maxWaitS      the limit, for the message
local pool, age, tickets, outcomes = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local cutoff, now, playerPrefix, channel, maxWaitS = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local ids = redis.call('ZRANGEBYSCORE', age, '-inf', cutoff, 'LIMIT', 0, 500)
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', tickets, id)
  redis.call('ZREM', pool, id)
  redis.call('ZREM', age, id)
  redis.call('HDEL', tickets, id)
  redis.call('ZADD', outcomes, now, id .. '|timeout')
  if raw then
    local t = cjson.decode(raw)
    for _, p in ipairs(t.players) do
      local key = playerPrefix .. p
      if redis.call('HGET', key, 'ticket') == id then redis.call('DEL', key) end
    end
    redis.call('PUBLISH', channel, cjson.encode({type = 'queue_ended', players = t.players, queue = t.queue,
      reason = 'timeout', message = 'no match found within ' .. maxWaitS .. ' s; queue again to retry'}))
  end
end
return #ids`,
);

/**
 * Matchmaking state in Redis as the matchmaker sees it: every change is one Lua script, each
 * loaded once per connection.
 */
export class MatchStore {
  private readonly playerKeyPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: MatchmakingKeys,
  ) {
    this.playerKeyPrefix = keys.player('');
    for (const s of [OLDEST, CLAIM_MATCHES, FINALIZE_MATCHES, PUT_BACK, TIME_OUT]) s.defineOn(redis);
  }

  /** The `count` oldest waiting tickets of the queue, oldest first, in one call. */
  async oldest(queue: string, count: number): Promise<Ticket[]> {
    const raw = (await OLDEST.run(this.redis, [this.keys.age(queue), this.keys.tickets], [count])) as (
      string | null
    )[];
    return raw.flatMap((r) => (r ? [JSON.parse(r) as Ticket] : []));
  }

  /**
   * Claims every match at once, each all or nothing; true for the matches now held by `token`
   * (false: another matchmaker took one of its tickets first).
   */
  async claimMatches(
    queue: string,
    token: string,
    deadline: number,
    matches: Ticket[][],
  ): Promise<boolean[]> {
    if (matches.length === 0) return [];
    const k = this.keys;
    const args: (string | number)[] = [token, deadline, this.playerKeyPrefix];
    for (const tickets of matches) {
      args.push(tickets.length);
      for (const t of tickets) args.push(t.id, t.players.length, ...t.players);
    }
    const results = (await CLAIM_MATCHES.run(
      this.redis,
      [k.pool(queue), k.age(queue), k.claimed(queue), k.claims(queue)],
      args,
    )) as number[];
    return results.map((r) => r === 1);
  }

  /** A pipeline on this store's connection, where its scripts (and its siblings') can be queued. */
  pipeline(): ChainableCommander {
    return this.redis.pipeline();
  }

  /**
   * Queues the finalize of matches of one queue claimed with `token`, created at the same time
   * (one script call; its result: 1 per match recorded, 0 per match that lost a claim meanwhile
   * and never happened).
   */
  queueFinalize(
    pipeline: ChainableCommander,
    token: string,
    records: MatchRecord[],
    matchTtlMs: number,
    playerTtlMs: number,
  ): void {
    const k = this.keys;
    const first = records[0];
    if (!first) return;
    const args: (string | number)[] = [
      token,
      first.createdAt,
      matchTtlMs,
      playerTtlMs,
      k.events,
      k.match(''),
      this.playerKeyPrefix,
      first.queue,
    ];
    for (const match of records) {
      const players = match.teams.flat();
      const event: MatchmakingEvent = {
        type: 'match_found',
        players,
        matchId: match.matchId,
        roomId: match.roomId,
        queue: match.queue,
        teams: match.teams,
      };
      args.push(
        match.matchId,
        match.roomId,
        JSON.stringify(match),
        JSON.stringify(event),
        JSON.stringify(match.teams),
        match.tickets.length,
        ...match.tickets.map((t) => t.id),
        players.length,
        ...players,
      );
    }
    FINALIZE_MATCHES.queue(
      pipeline,
      [k.claimed(first.queue), k.claims(first.queue), k.tickets, k.matches, k.outcomes],
      args,
    );
  }

  /** Our claimed tickets go back (allocation failed). */
  async release(queue: string, token: string, tickets: Ticket[]): Promise<number> {
    return this.putBack(
      queue,
      token,
      '0',
      tickets.map((t) => t.id),
    );
  }

  /** Anyone's claims past their deadline go back (their matchmaker died mid-match). */
  async reclaimExpired(queue: string, now: number): Promise<number> {
    return this.putBack(queue, '', String(now), []);
  }

  async timeOut(queue: string, cutoff: number, now: number, maxWaitS: number): Promise<number> {
    const k = this.keys;
    return (await TIME_OUT.run(
      this.redis,
      [k.pool(queue), k.age(queue), k.tickets, k.outcomes],
      [cutoff, now, this.playerKeyPrefix, k.events, maxWaitS],
    )) as number;
  }

  /** Forgets outcome and match-index entries older than the cutoff (records themselves expire). */
  async trim(cutoff: number): Promise<void> {
    await this.redis
      .multi()
      .zremrangebyscore(this.keys.outcomes, '-inf', cutoff)
      .zremrangebyscore(this.keys.matches, '-inf', cutoff)
      .exec();
  }

  async depth(queue: string): Promise<number> {
    return this.redis.zcard(this.keys.pool(queue));
  }

  private async putBack(queue: string, token: string, deadline: string, ids: string[]): Promise<number> {
    const k = this.keys;
    return (await PUT_BACK.run(
      this.redis,
      [k.pool(queue), k.age(queue), k.claimed(queue), k.claims(queue), k.tickets],
      [token, deadline, this.playerKeyPrefix, ...ids],
    )) as number;
  }
}
