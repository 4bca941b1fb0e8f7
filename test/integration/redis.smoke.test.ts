import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueName } from '../helpers/services.js';

describe('real Redis', () => {
  const config = testConfig();
  const redis = new Redis(config.redis.url);
  afterAll(() => redis.quit());

  it('round-trips a value and a sorted set', async () => {
    const info = await redis.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1];
    console.log(`redis smoke: Redis ${version} at ${config.redis.url}`);
    expect(version).toMatch(/^\d+\.\d+/);

    const key = uniqueName('smoke');
    await redis.set(key, 'hello arena', 'EX', 60);
    expect(await redis.get(key)).toBe('hello arena');

    await redis.zadd(`${key}:z`, 1500, 'alice', 1600, 'bob');
    expect(await redis.zrevrank(`${key}:z`, 'bob')).toBe(0);
    await redis.del(key, `${key}:z`);
    expect(await redis.exists(key)).toBe(0);
  });
});
