import type { Redis } from 'ioredis';
import type { RealtimeKeys } from '../redis/keys.js';

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

// Times come from the Redis clock so that hosts with skewed clocks agree on who is alive.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
return now`;

const LIVE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')
local out = {}
for i, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
end
return out`;

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
    await this.redis.eval(
      HEARTBEAT,
      3,
      this.keys.roomServers,
      this.keys.roomServerAddresses,
      this.keys.roomServerMeta,
      server.id,
      server.address,
      JSON.stringify(meta),
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
    const flat = (await this.redis.eval(
      LIVE,
      3,
      this.keys.roomServers,
      this.keys.roomServerAddresses,
      this.keys.roomServerMeta,
      String(this.ttlMs),
    )) as string[];
    const servers: RoomServerInfo[] = [];
    for (let i = 0; i < flat.length; i += 3) {
      if (flat[i + 1]) servers.push({ id: flat[i]!, address: flat[i + 1]!, ...parseMeta(flat[i + 2]) });
    }
    return servers;
  }
}
