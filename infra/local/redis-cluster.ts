import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { ServiceError } from './service-error.js';
import { waitHealthy } from './wait-healthy.js';

export interface LocalRedisCluster {
  /** Seed nodes as REDIS_CLUSTER_NODES wants them: "127.0.0.1:p1,127.0.0.1:p2,...". */
  nodes: string;
  stop(): Promise<void>;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(out) : reject(new ServiceError('redis-cluster', `${command} failed:\n${out}`)),
    );
  });
}

/**
 * A throwaway Redis Cluster of `masters` nodes (no replicas) on loopback: redis-server with
 * cluster mode on, joined by `redis-cli --cluster create`. For tests of cluster-safe key layouts.
 */
export async function startRedisCluster(runDir: string, masters = 3): Promise<LocalRedisCluster> {
  const procs: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(procs.map((p) => p.stop(5_000)));
  };
  try {
    const ports: number[] = [];
    for (let i = 0; i < masters; i++) ports.push(await freePort());
    for (const port of ports) {
      const dir = join(runDir, `redis-cluster-${port}`);
      mkdirSync(dir, { recursive: true });
      procs.push(
        startProcess({
          name: `redis-cluster-${port}`,
          command: 'redis-server',
          args: [
            '--port',
            String(port),
            '--bind',
            '127.0.0.1',
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
            '--save',
            '',
            '--appendonly',
            'no',
            '--dir',
            dir,
          ],
          cwd: dir,
          logFile: join(dir, 'redis.log'),
        }),
      );
    }
    await Promise.all(
      ports.map((port, i) =>
        waitHealthy({
          component: `redis-cluster-${port}`,
          process: procs[i],
          timeoutMs: 15_000,
          check: async () => {
            const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null });
            r.on('error', () => {});
            try {
              await r.connect();
              return (await r.ping()) === 'PONG';
            } finally {
              r.disconnect();
            }
          },
        }),
      ),
    );
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    await waitHealthy({
      component: 'redis-cluster',
      timeoutMs: 20_000,
      check: async () => {
        const info = await Promise.all(
          ports.map((port) => run('redis-cli', ['-p', String(port), 'cluster', 'info'])),
        );
        return info.every((i) => i.includes('cluster_state:ok'));
      },
    });
    return { nodes: nodes.join(','), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
