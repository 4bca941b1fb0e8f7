import type { Cluster, Redis } from 'ioredis';

/** Rankings run on a single Redis or on a Redis Cluster alike (keys are laid out for both). */
export type RedisClient = Redis | Cluster;
