import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freeStablePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { waitHealthy } from './wait-healthy.js';

/**
 * One redis-server on loopback that a test can crash, hang, restart on the same port and stop:
 *   startRedisNode(runDir, options) -> LocalRedisNode
 *   onRedisPort(port, fn)           a short-lived client to any local Redis or sentinel
 */

export interface RedisNodeOptions {
  /** Names its directory and log, e.g. "redis-primary". */
  name: string;
  /** Append-only file (fsync every second) in its directory: a restart keeps the data. */
  aof?: boolean;
  /** host:port of the master it replicates. */
  replicaOf?: string;
  /** Default: a free port below the ephemeral range (it must come back on it after a restart). */
  port?: number;
}

export interface LocalRedisNode {
  readonly name: string;
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Its data directory (the AOF lives here). */
  readonly dir: string;
  readonly logFile: string;
  /** Sends a signal to the running server: SIGKILL crashes it, SIGSTOP/SIGCONT hang and resume it. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves once the server process has exited (e.g. after SIGKILL). */
  exited(): Promise<void>;
  /** Starts the server again on the same port and directory; resolves when it answers PING. */
  restart(): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL); safe to call when already down. */
  stop(): Promise<void>;
}

/** Runs `fn` with a client of the Redis (or sentinel) on a loopback port, then disconnects. */
export async function onRedisPort<T>(
  port: number,
  fn: (r: Redis) => Promise<T>,
  timeoutMs = 1_000,
): Promise<T> {
  const r = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  r.on('error', () => {}); // reported through the rejected call
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export async function startRedisNode(runDir: string, o: RedisNodeOptions): Promise<LocalRedisNode> {
  const dir = join(runDir, o.name);
  mkdirSync(dir, { recursive: true });
  const port = o.port ?? (await freeStablePort());
  const logFile = join(dir, 'redis.log');
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
    ...(o.aof ? ['--appendonly', 'yes', '--appendfsync', 'everysec'] : ['--appendonly', 'no']),
    ...(o.replicaOf ? ['--replicaof', ...o.replicaOf.split(':')] : []),
  ];
  let proc: ManagedProcess | undefined;
  const up = async () => {
    const p = startProcess({ name: o.name, command: 'redis-server', args, cwd: dir, logFile });
    proc = p;
    await waitHealthy({
      component: o.name,
      process: p,
      timeoutMs: 15_000,
      intervalMs: 100,
      // PING answers even while an AOF loads; "loading:0" means the data is back.
      check: () => onRedisPort(port, async (r) => /loading:0/.test(await r.info('persistence')), 500),
    }).catch(async (err) => {
      await p.stop(2_000);
      throw err;
    });
  };
  await up();
  return {
    name: o.name,
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    logFile,
    signal: (signal) => proc?.signal(signal),
    exited: async () => {
      await proc?.exited;
    },
    restart: async () => {
      if (proc && !proc.hasExited()) await proc.stop(5_000);
      await up();
    },
    stop: async () => {
      proc?.signal('SIGCONT'); // a hung (stopped) server cannot act on SIGTERM
      await proc?.stop(5_000);
    },
  };
}
