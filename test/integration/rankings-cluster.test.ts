import { rmSync } from 'node:fs';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDir } from '../../infra/local/paths.js';
import { startRedisCluster, type LocalRedisCluster } from '../../infra/local/redis-cluster.js';
import { loadConfig } from '../../shared/config/index.js';
import { connectRankingsRedis } from '../../shared/redis/connect.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { DEFAULT_MATCHMAKING_RATING } from '../../shared/rankings/matchmaking-ratings.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { rankingsOn, resultOf } from '../helpers/rankings.js';
import { waitForClient } from '../helpers/wait-for.js';

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
      // Another game's match in the same apply call (every game's ratings share the {ratings} slot).
      ratings.apply(resultOf('c4', [['fay'], ['gus']], 'battle.eu', 'battleship'), Date.UTC(2026, 0, 2)),
    ]);
    expect(await boards.answer({ kind: 'top', offset: 0, limit: 5, game: 'battleship' })).toMatchObject({
      total: 2,
      standings: [{ player: 'fay' }, { player: 'gus' }],
    });
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

describe('a gateway with rankings on a Redis Cluster', () => {
  let arena: ArenaCluster | undefined;
  afterAll(() => arena?.stop(), 60_000);

  it('queues a player by the rating the room servers wrote on the cluster (not the main Redis)', async () => {
    arena = await ArenaCluster.start({
      gateways: 1,
      roomServers: 0,
      env: { REDIS_CLUSTER_NODES: cluster.nodes, MATCHMAKER_REGIONS: 'eu' },
    });
    const prefix = arena.env.REDIS_KEY_PREFIX!;
    const client = await arena.client([0]);
    // A won match on the cluster, as a room server applies it: the player's rating rises.
    const { ratings } = rankingsOn(redis, prefix);
    const applied = await ratings.apply(resultOf('q1', [[client.playerId], ['someone']]), 1);
    const mmr = Number(await redis.hget(rankingKeys(prefix).mmr('arena'), client.playerId));
    expect(mmr).toBeGreaterThan(DEFAULT_MATCHMAKING_RATING);
    expect(applied!.game).toBe('arena');

    const queued = waitForClient(client, 'queued', (q) => q !== undefined, 'queued', 15_000);
    client.queue('duel.eu');
    const { ticketId } = (await queued)!;
    const score = await arena.redis.zscore(matchmakingKeys(prefix).pool('duel.eu'), ticketId);
    expect(Number(score)).toBe(mmr); // a gateway reading the main Redis would queue at 1500
  }, 120_000);
});
