import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { startProcess } from './managed-process.js';
import type { RunningService } from './service.js';
import { ServiceError } from './service-error.js';
import { waitHealthy } from './wait-healthy.js';

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

/** Starts a throwaway redis-server from PATH on a free loopback port, keeping nothing on disk. */
export async function startRedis(runDir: string): Promise<RunningService> {
  if (spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0) {
    throw new ServiceError(
      COMPONENT,
      'redis-server is not on PATH; install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL to a running Redis',
    );
  }
  const dir = join(runDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const proc = startProcess({
    name: COMPONENT,
    command: 'redis-server',
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    cwd: dir,
    logFile: join(dir, 'redis.log'),
  });
  let version = '';
  await waitHealthy({
    component: COMPONENT,
    process: proc,
    timeoutMs: 15_000,
    check: async () => {
      version = await probeRedis(url, 500);
      return true;
    },
  }).catch(async (err) => {
    await proc.stop();
    throw err;
  });
  return {
    name: COMPONENT,
    env: { REDIS_URL: url },
    description: `Redis ${version} at ${url} (started, pid ${proc.pid})`,
    stop: () => proc.stop(),
  };
}
