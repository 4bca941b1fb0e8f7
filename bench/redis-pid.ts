import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';

/**
 * The pid of the Redis server at `url` (from INFO), when it runs on this machine, so that a
 * benchmark counts its CPU with the processes of Arena's path; undefined when it is elsewhere.
 */
export async function localRedisPid(url: string): Promise<number | undefined> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const pid = Number(/^process_id:(\d+)/m.exec(await redis.info('server'))?.[1]);
    return Number.isInteger(pid) && existsSync(`/proc/${pid}/stat`) ? pid : undefined;
  } finally {
    redis.disconnect();
  }
}
