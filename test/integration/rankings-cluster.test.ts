import { rmSync } from 'node:fs';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDir } from '../../infra/local/paths.js';
import { startRedisCluster, type LocalRedisCluster } from '../../infra/local/redis-cluster.js';
import { loadConfig } from '../../shared/config/index.js';
import { connectRankingsRedis } from '../../shared/redis/connect.js';
import { rankingsOn, resultOf } from '../helpers/rankings.js';

let cluster: LocalRedisCluster;
let redis: Cluster;
const runDir = makeRunDir();

beforeAll(async () => {
  cluster = await startRedisCluster(runDir, 3);
  const settings = loadConfig({ REDIS_CLUSTER_NODES: cluster.nodes }).redis;
  redis = (await connectRankingsRedis(settings, { name: 'rankings-cluster-test' })) as Cluster;
});
afterAll(async () => {
  redis?.disconnect();
  await cluster?.stop();
  rmSync(runDir, { recursive: true, force: true });
});

describe('rankings on a real 3-master Redis Cluster', () => {
  it('spreads boards over the masters and applies and answers as on one Redis', async () => {
    const masters = redis.nodes('master');
    expect(masters).toHaveLength(3);
    const { ratings, boards, keys, seasons } = rankingsOn(redis);
    await Promise.all([
      ratings.apply(resultOf('c1', [['ann'], ['bob']]), Date.UTC(2026, 0, 1)),
      ratings.apply(resultOf('c1', [['ann'], ['bob']]), Date.UTC(2026, 0, 1)), // duplicate
      ratings.apply(resultOf('c2', [['cid'], ['dan']], 'duel.us'), Date.UTC(2026, 0, 2)),
    ]);
    await seasons.start('s2');
    await ratings.apply(resultOf('c3', [['eve'], ['ann']], 'duel.us'), Date.UTC(2026, 0, 3));

    const s1 = await boards.answer({ kind: 'top', offset: 0, limit: 10, season: 's1' });
    expect(s1).toMatchObject({ total: 4 });
    expect(await boards.answer({ kind: 'around', player: 'ann', radius: 1 })).toMatchObject({
      season: 's2',
      standings: [
        { player: 'eve', rank: 1 },
        { player: 'ann', rank: 2 },
      ],
    });
    // The boards really live in different slots of the cluster (one Lua script never spans two).
    const slotOf = (key: string) => redis.cluster('KEYSLOT', key) as Promise<number>;
    const slots = await Promise.all(
      [
        keys.skills('arena'),
        keys.board('s1', 'global', 'arena'),
        keys.board('s2', 'global', 'arena'),
        keys.board('s2', 'region:us', 'arena'),
        keys.board('s2', 'global', 'battleship'),
      ].map(slotOf),
    );
    expect(new Set(slots).size).toBe(5);
    // Every game's ratings share the {ratings} slot: one Lua script applies a match.
    expect(await slotOf(keys.skills('battleship'))).toBe(slots[0]);
    expect(await slotOf(keys.mmr('battleship'))).toBe(slots[0]);
  });
});
