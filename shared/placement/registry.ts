import type { Redis } from 'ioredis';
import type { RealtimeKeys } from '../redis/keys.js';

export interface RoomServerInfo {
  id: string;
  /** host:port of its gateway link listener. */
  address: string;
}

// Times come from the Redis clock so that hosts with skewed clocks agree on who is alive.
const HEARTBEAT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return now`;

const LIVE = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], now - tonumber(ARGV[1]), '+inf')
local out = {}
for i, id in ipairs(ids) do
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[2], id) or ''
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
    await this.redis.eval(
      HEARTBEAT,
      2,
      this.keys.roomServers,
      this.keys.roomServerAddresses,
      server.id,
      server.address,
    );
  }

  async deregister(serverId: string): Promise<void> {
    await this.redis
      .multi()
      .zrem(this.keys.roomServers, serverId)
      .hdel(this.keys.roomServerAddresses, serverId)
      .exec();
  }

  async live(): Promise<RoomServerInfo[]> {
    const flat = (await this.redis.eval(
      LIVE,
      2,
      this.keys.roomServers,
      this.keys.roomServerAddresses,
      String(this.ttlMs),
    )) as string[];
    const servers: RoomServerInfo[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      if (flat[i + 1]) servers.push({ id: flat[i]!, address: flat[i + 1]! });
    }
    return servers;
  }
}
