import type { Redis } from 'ioredis';
import type { RealtimeKeys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';

export interface RoomServerInfo {
  id: string;
  /** host:port of its gateway link listener. */
  address: string;
  /** The games it hosts (by Game.name). */
  games?: string[];
  /** Rooms it runs (or is opening) now, and at most (ROOM_MAX_ROOMS), as of its last heartbeat. */
  rooms?: number;
  maxRooms?: number;
}

/** What a room server advertises besides its address. */
interface ServerMeta {
  games: string[];
  rooms: number;
  maxRooms: number;
}

function parseMeta(raw: string | undefined): Partial<ServerMeta> {
  if (!raw) return {};
  try {
    const m = JSON.parse(raw) as Partial<ServerMeta>;
    return {
      ...(Array.isArray(m.games) ? { games: m.games.filter((g) => typeof g === 'string') } : {}),
      ...(typeof m.rooms === 'number' ? { rooms: m.rooms } : {}),
      ...(typeof m.maxRooms === 'number' ? { maxRooms: m.maxRooms } : {}),
    };
  } catch {
    return {};
  }
}

/** Whether a server can take a new room of this game (unknown game: any server with room). */
export function canHost(server: RoomServerInfo, game: string | undefined): boolean {
  if (game !== undefined && server.games && !server.games.includes(game)) return false;
  return server.rooms === undefined || server.maxRooms === undefined || server.rooms < server.maxRooms;
}

const HEARTBEAT = new LuaScript(
  'arenaRoomServerHeartbeat',
  `
-- A room server's heartbeat. Times come from the Redis clock so that hosts with skewed clocks
-- agree on who is alive. Returns the heartbeat time (ms).
-- KEYS[1] servers    sorted set: server id -> last heartbeat (ms)
-- KEYS[2] addresses  hash: server id -> address
-- KEYS[3] meta       hash: server id -> meta JSON (games, rooms, maxRooms)
-- ARGV[1] serverId  ARGV[2] address  ARGV[3] meta JSON
local servers, addresses, meta = KEYS[1], KEYS[2], KEYS[3]
local serverId, address, serverMeta = ARGV[1], ARGV[2], ARGV[3]
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', servers, now, serverId)
redis.call('HSET', addresses, serverId, address)
redis.call('HSET', meta, serverId, serverMeta)
return now`,
);

const LIVE = new LuaScript(
  'arenaRoomServersLive',
  `
-- The servers heard from within the TTL (Redis clock), flat: id, address, meta JSON per server.
-- KEYS[1] servers  KEYS[2] addresses  KEYS[3] meta  (as in HEARTBEAT)
-- ARGV[1] ttlMs
local servers, addresses, meta = KEYS[1], KEYS[2], KEYS[3]
local ttlMs = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ids = redis.call('ZRANGEBYSCORE', servers, now - ttlMs, '+inf')
local out = {}
for i, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', addresses, id) or ''
  out[#out + 1] = redis.call('HGET', meta, id) or ''
end
return out`,
);

/** Room servers announce themselves with a heartbeat; a missed TTL means dead. */
export class RoomServerRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RealtimeKeys,
    private readonly ttlMs: number,
  ) {}

  async heartbeat(server: RoomServerInfo): Promise<void> {
    const meta: ServerMeta = {
      games: server.games ?? [],
      rooms: server.rooms ?? 0,
      maxRooms: server.maxRooms ?? Number.MAX_SAFE_INTEGER,
    };
    await HEARTBEAT.run(
      this.redis,
      [this.keys.roomServers, this.keys.roomServerAddresses, this.keys.roomServerMeta],
      [server.id, server.address, JSON.stringify(meta)],
    );
  }

  async deregister(serverId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.keys.roomServers, serverId)
      .hdel(this.keys.roomServerAddresses, serverId)
      .hdel(this.keys.roomServerMeta, serverId)
      .exec();
  }

  async live(): Promise<RoomServerInfo[]> {
    const flat = (await LIVE.run(
      this.redis,
      [this.keys.roomServers, this.keys.roomServerAddresses, this.keys.roomServerMeta],
      [this.ttlMs],
    )) as string[];
    const servers: RoomServerInfo[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      if (flat[i + 1]) servers.push({ id: flat[i]!, address: flat[i + 1]!, ...parseMeta(flat[i + 2]) });
    }
    return servers;
  }
}
