import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { startRedisNode } from './redis-node.js';
import type { RunningService } from './service.js';
import { ServiceError } from './service-error.js';

const COMPONENT = 'redis';

/** Pings Redis at url and returns its version; throws when it does not answer. */
export async function probeRedis(url: string, timeoutMs = 2_000): Promise<string> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // reported through the rejected command instead
  try {
    await client.connect();
    const info = await client.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    client.disconnect();
  }
}

export async function useExistingRedis(url: string): Promise<RunningService> {
  const version = await probeRedis(url).catch((err: Error) => {
    throw new ServiceError(COMPONENT, `REDIS_URL=${url} does not answer: ${err.message}`);
  });
  return {
    name: COMPONENT,
    env: { REDIS_URL: url },
    description: `Redis ${version} at ${url} (already running, reused)`,
    stop: async () => {},
  };
}

/** Fails with install advice when redis-server is not on PATH. */
export function requireRedisServer(): void {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    throw new ServiceError(
      COMPONENT,
      'redis-server is not on PATH; install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis',
    );
  }
}

/** Starts a throwaway redis-server from PATH on a free loopback port, keeping nothing on disk. */
export async function startRedis(runDir: string): Promise<RunningService> {
  requireRedisServer();
  const node = await startRedisNode(runDir, { name: COMPONENT, port: await freePort() });
  const version = await probeRedis(node.url).catch(async (err: Error) => {
    await node.stop();
    throw new ServiceError(COMPONENT, err.message);
  });
  return {
    name: COMPONENT,
    env: { REDIS_URL: node.url },
    description: `Redis ${version} at ${node.url} (started)`,
    stop: () => node.stop(),
  };
}
