import { Cluster, Redis } from 'ioredis';
import { splitHostPort } from '../config/host-port.js';
import type { RedisClient } from './redis-client.js';

/**
 * The Redis the rankings use: a Redis Cluster when REDIS_CLUSTER_NODES lists seed nodes,
 * else the single Redis at REDIS_URL. Every rankings script touches one hash-tagged slot.
 */
export function connectRankingsRedis(redisUrl: string, clusterNodes: string): RedisClient {
  const seeds = clusterNodes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(splitHostPort);
  return seeds.length > 0
    ? new Cluster(seeds, { redisOptions: { maxRetriesPerRequest: 2 } })
    : new Redis(redisUrl, { maxRetriesPerRequest: 2 });
}
