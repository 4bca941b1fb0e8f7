/** Rankings run on a single Redis or on a Redis Cluster alike (keys are laid out for both). */
export type { RedisClient } from '../redis/connect.js';
