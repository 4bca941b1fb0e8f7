import type { Redis } from 'ioredis';
import type { MatchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { MatchmakingEvent, MatchRecord, Ticket } from '../../shared/matchmaking/types.js';

// Tickets nearest the anchor's rating on both sides, within [lo, hi].
const CANDIDATES = `
local up = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[3], 'LIMIT', 0, ARGV[4])
local down = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[2], 'LIMIT', 0, ARGV[4])
local out = {}
for _, id in ipairs(up) do out[#out + 1] = redis.call('HGET', KEYS[2], id) end
for _, id in ipairs(down) do out[#out + 1] = redis.call('HGET', KEYS[2], id) end
return out`;

const OLDEST = `
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local out = {}
for _, id in ipairs(ids) do out[#out + 1] = redis.call('HGET', KEYS[2], id) end
return out`;

// All or nothing: every ticket must still be waiting in the pool.
const CLAIM = `
for i = 3, #ARGV do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then return 0 end
end
for i = 3, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('ZADD', KEYS[3], ARGV[2], ARGV[i])
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[1])
end
for i = 5, #KEYS do redis.call('HSET', KEYS[i], 'state', 'claimed') end
return 1`;

// The match exists only if every claim is still ours: record, player states and the
// notification happen together or not at all.
const FINALIZE = `
for i = 12, #ARGV do
  if redis.call('HGET', KEYS[2], ARGV[i]) ~= ARGV[1] then return 0 end
end
for i = 12, #ARGV do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
  redis.call('HDEL', KEYS[3], ARGV[i])
  redis.call('ZADD', KEYS[5], ARGV[2], ARGV[i] .. '|match:' .. ARGV[4])
end
redis.call('SET', KEYS[6], ARGV[3], 'PX', ARGV[5])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[4])
for i = 7, #KEYS do
  redis.call('DEL', KEYS[i])
  redis.call('HSET', KEYS[i], 'state', 'matched', 'match', ARGV[4], 'room', ARGV[9], 'queue', ARGV[10], 'teams', ARGV[11])
  redis.call('PEXPIRE', KEYS[i], ARGV[6])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1`;

// Puts tickets back in their pool with their original rating and enqueue time (priority kept).
// ARGV[1] = claim token to match, or '' for any claim whose deadline (ARGV[2]) has passed.
const PUT_BACK = `
local ids
if ARGV[1] == '' then
  ids = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[2], 'LIMIT', 0, 500)
else
  ids = {}
  for i = 4, #ARGV do
    if redis.call('HGET', KEYS[4], ARGV[i]) == ARGV[1] then ids[#ids + 1] = ARGV[i] end
  end
end
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[5], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('HDEL', KEYS[4], id)
  if raw then
    local t = cjson.decode(raw)
    redis.call('ZADD', KEYS[1], t.rating, id)
    redis.call('ZADD', KEYS[2], t.enqueuedAt, id)
    for _, p in ipairs(t.players) do
      local key = ARGV[3] .. p
      if redis.call('HGET', key, 'ticket') == id then redis.call('HSET', key, 'state', 'queued') end
    end
  end
end
return #ids`;

// Gives up tickets that waited past the queue's limit, telling their players why.
const TIME_OUT = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 500)
for _, id in ipairs(ids) do
  local raw = redis.call('HGET', KEYS[3], id)
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZADD', KEYS[4], ARGV[2], id .. '|timeout')
  if raw then
    local t = cjson.decode(raw)
    for _, p in ipairs(t.players) do
      local key = ARGV[3] .. p
      if redis.call('HGET', key, 'ticket') == id then redis.call('DEL', key) end
    end
    redis.call('PUBLISH', ARGV[4], cjson.encode({type = 'queue_ended', players = t.players, queue = t.queue,
      reason = 'timeout', message = 'no match found within ' .. ARGV[5] .. ' s; queue again to retry'}))
  end
end
return #ids`;

/** Matchmaking state in Redis as the matchmaker sees it: every change is one Lua script. */
export class MatchStore {
  private readonly playerKeyPrefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: MatchmakingKeys,
  ) {
    this.playerKeyPrefix = keys.player('');
  }

  async oldest(queue: string, count: number): Promise<Ticket[]> {
    const raw = (await this.redis.eval(
      OLDEST,
      2,
      this.keys.age(queue),
      this.keys.tickets,
      String(count),
    )) as (string | null)[];
    return raw.flatMap((r) => (r ? [JSON.parse(r) as Ticket] : []));
  }

  async candidates(queue: string, rating: number, window: number, perSide: number): Promise<Ticket[]> {
    const raw = (await this.redis.eval(
      CANDIDATES,
      2,
      this.keys.pool(queue),
      this.keys.tickets,
      String(rating),
      String(rating - window),
      String(rating + window),
      String(perSide),
    )) as (string | null)[];
    const seen = new Set<string>();
    return raw.flatMap((r) => {
      if (!r) return [];
      const t = JSON.parse(r) as Ticket;
      if (seen.has(t.id)) return [];
      seen.add(t.id);
      return [t];
    });
  }

  async claim(queue: string, token: string, deadline: number, tickets: Ticket[]): Promise<boolean> {
    const k = this.keys;
    const players = tickets.flatMap((t) => t.players);
    const claimed = await this.redis.eval(
      CLAIM,
      4 + players.length,
      k.pool(queue),
      k.age(queue),
      k.claimed(queue),
      k.claims(queue),
      ...players.map((p) => k.player(p)),
      token,
      String(deadline),
      ...tickets.map((t) => t.id),
    );
    return claimed === 1;
  }

  async finalize(
    token: string,
    match: MatchRecord,
    matchTtlMs: number,
    playerTtlMs: number,
  ): Promise<boolean> {
    const k = this.keys;
    const players = match.teams.flat();
    const event: MatchmakingEvent = {
      type: 'match_found',
      players,
      matchId: match.matchId,
      roomId: match.roomId,
      queue: match.queue,
      teams: match.teams,
    };
    const done = await this.redis.eval(
      FINALIZE,
      6 + players.length,
      k.claimed(match.queue),
      k.claims(match.queue),
      k.tickets,
      k.matches,
      k.outcomes,
      k.match(match.matchId),
      ...players.map((p) => k.player(p)),
      token,
      String(match.createdAt),
      JSON.stringify(match),
      match.matchId,
      String(matchTtlMs),
      String(playerTtlMs),
      k.events,
      JSON.stringify(event),
      match.roomId,
      match.queue,
      JSON.stringify(match.teams),
      ...match.tickets.map((t) => t.id),
    );
    return done === 1;
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
    return (await this.redis.eval(
      TIME_OUT,
      4,
      k.pool(queue),
      k.age(queue),
      k.tickets,
      k.outcomes,
      String(cutoff),
      String(now),
      this.playerKeyPrefix,
      k.events,
      String(maxWaitS),
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
    return (await this.redis.eval(
      PUT_BACK,
      5,
      k.pool(queue),
      k.age(queue),
      k.claimed(queue),
      k.claims(queue),
      k.tickets,
      token,
      deadline,
      this.playerKeyPrefix,
      ...ids,
    )) as number;
  }
}
