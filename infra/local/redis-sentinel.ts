import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { requireRedisServer } from './redis.js';
import { onRedisPort, startRedisNode, type LocalRedisNode } from './redis-node.js';
import { ServiceError } from './service-error.js';
import { waitHealthy } from './wait-healthy.js';

/**
 * A Redis primary, its replicas and a quorum of sentinels on loopback, for failover tests
 * (opt-in: `npm start` and `npm test` run one plain Redis):
 *   startRedisSentinelGroup(runDir, options) -> LocalSentinelGroup
 * Hand `group.env` (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_URL) to Arena's services;
 * crash `group.nodes[0]` (the first primary) and `waitForFailover` returns the promoted replica.
 */

export interface SentinelGroupOptions {
  replicas?: number;
  sentinels?: number;
  /** Append-only files on every Redis node. */
  aof?: boolean;
  masterName?: string;
  /** A master silent this long is down for a sentinel (`down-after-milliseconds`). */
  downAfterMs?: number;
  failoverTimeoutMs?: number;
}

export interface LocalSentinelGroup {
  readonly masterName: string;
  /** "127.0.0.1:p1,127.0.0.1:p2,..." as REDIS_SENTINELS wants it. */
  readonly sentinels: string;
  /** The Redis nodes: [first primary, ...replicas]. */
  readonly nodes: readonly LocalRedisNode[];
  readonly env: { REDIS_SENTINELS: string; REDIS_SENTINEL_MASTER: string; REDIS_URL: string };
  /** The node the sentinels name as master now. */
  primary(): Promise<LocalRedisNode>;
  /** Resolves with the new master once the sentinels name one other than `old` and it accepts writes. */
  waitForFailover(old: LocalRedisNode, timeoutMs?: number): Promise<LocalRedisNode>;
  stop(): Promise<void>;
}

export async function startRedisSentinelGroup(
  runDir: string,
  o: SentinelGroupOptions = {},
): Promise<LocalSentinelGroup> {
  requireRedisServer();
  const masterName = o.masterName ?? 'arena';
  const sentinelCount = o.sentinels ?? 3;
  const quorum = Math.floor(sentinelCount / 2) + 1;
  const nodes: LocalRedisNode[] = [];
  const sentinelProcs: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.allSettled([...sentinelProcs.map((p) => p.stop(5_000)), ...nodes.map((n) => n.stop())]);
  };
  try {
    const primary = await startRedisNode(runDir, { name: 'redis-primary', aof: o.aof });
    nodes.push(primary);
    for (let i = 1; i <= (o.replicas ?? 1); i++) {
      nodes.push(
        await startRedisNode(runDir, {
          name: `redis-replica-${i}`,
          aof: o.aof,
          replicaOf: `127.0.0.1:${primary.port}`,
        }),
      );
    }
    const ports: number[] = [];
    for (let i = 0; i < sentinelCount; i++) ports.push(await freePort());
    for (const [i, port] of ports.entries()) {
      const dir = join(runDir, `redis-sentinel-${i + 1}`);
      mkdirSync(dir, { recursive: true });
      // A sentinel rewrites its own config file (what it learned of replicas and peers).
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} ${quorum}`,
          `sentinel down-after-milliseconds ${masterName} ${o.downAfterMs ?? 1_000}`,
          `sentinel failover-timeout ${masterName} ${o.failoverTimeoutMs ?? 5_000}`,
          `sentinel parallel-syncs ${masterName} 1`,
          '',
        ].join('\n'),
      );
      sentinelProcs.push(
        startProcess({
          name: `redis-sentinel-${i + 1}`,
          command: 'redis-server',
          args: [conf, '--sentinel'],
          cwd: dir,
          logFile: join(dir, 'sentinel.log'),
        }),
      );
    }
    const replicas = nodes.length - 1;
    // Ready for a failover only once every sentinel knows the replicas and its peers (they
    // find each other through the master within a few seconds) and the replicas are in sync.
    await Promise.all(
      ports.map((port, i) =>
        waitHealthy({
          component: `redis-sentinel-${i + 1}`,
          process: sentinelProcs[i],
          timeoutMs: 30_000,
          intervalMs: 200,
          check: () =>
            onRedisPort(port, async (r) => {
              const master = (await r.call('SENTINEL', 'MASTER', masterName)) as string[];
              const field = (name: string) => Number(master[master.indexOf(name) + 1]);
              return field('num-slaves') === replicas && field('num-other-sentinels') === sentinelCount - 1;
            }),
        }),
      ),
    );
    await Promise.all(
      nodes.slice(1).map((n) =>
        waitHealthy({
          component: n.name,
          timeoutMs: 20_000,
          intervalMs: 200,
          check: () =>
            onRedisPort(n.port, async (r) => /master_link_status:up/.test(await r.info('replication'))),
        }),
      ),
    );
    const sentinels = ports.map((p) => `127.0.0.1:${p}`).join(',');
    const masterPort = async (): Promise<number> => {
      for (const port of ports) {
        try {
          const addr = (await onRedisPort(port, (r) =>
            r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName),
          )) as [string, string] | null;
          if (addr) return Number(addr[1]);
        } catch {
          // that sentinel is down: ask the next
        }
      }
      throw new ServiceError('redis-sentinel', 'no sentinel names a master');
    };
    const nodeOn = (port: number) => {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new ServiceError('redis-sentinel', `the sentinels name an unknown master :${port}`);
      return node;
    };
    return {
      masterName,
      sentinels,
      nodes,
      env: { REDIS_SENTINELS: sentinels, REDIS_SENTINEL_MASTER: masterName, REDIS_URL: primary.url },
      primary: async () => nodeOn(await masterPort()),
      waitForFailover: async (old, timeoutMs = 30_000) => {
        let promoted: LocalRedisNode | undefined;
        await waitHealthy({
          component: 'redis-sentinel failover',
          timeoutMs,
          intervalMs: 50,
          check: async () => {
            const port = await masterPort();
            if (port === old.port) return false;
            const role = await onRedisPort(port, (r) => r.info('replication'));
            if (!/role:master/.test(role)) return false;
            promoted = nodeOn(port);
            return true;
          },
        });
        return promoted!;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
