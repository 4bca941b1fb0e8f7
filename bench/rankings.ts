/**
 * `npm run bench:rankings [-- --seconds 4 --concurrency 50]`
 *
 * Rank updates per second (match results applied through RatingStore: OpenSkill, one Lua
 * apply, two board writes) and rank queries per second (Leaderboards 'player' answers), next
 * to raw ZADD and ZREVRANK rates of the same Redis, same concurrency, in the same run.
 */
import { Redis } from 'ioredis';
import { startLocalStack } from '../infra/local/stack.js';
import type { MatchResult } from '../shared/protocol/index.js';
import { rankingKeys } from '../shared/rankings/keys.js';
import { Leaderboards } from '../shared/rankings/leaderboards.js';
import { RatingStore } from '../shared/rankings/rating-store.js';
import { Seasons } from '../shared/rankings/seasons.js';
import { numberArg, runBench } from './bench-cli.js';

const SECONDS = numberArg('seconds', 4);
const CONCURRENCY = numberArg('concurrency', 50);
const PLAYERS = 10_000;
const player = () => `p${Math.floor(Math.random() * PLAYERS)}`;

/** Runs `op` with CONCURRENCY in flight for SECONDS; returns completed ops per second (x weight). */
async function rate(op: (i: number) => Promise<unknown>, weight = 1): Promise<number> {
  let done = 0;
  let next = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        await op(next++);
        done++;
      }
    }),
  );
  return (done * weight) / SECONDS;
}

function matchBetween(i: number): MatchResult {
  const a = player();
  let b = player();
  while (b === a) b = player();
  return {
    roomId: `m-${i}`,
    game: 'arena',
    matchId: `bench-${Date.now()}-${i}`,
    queue: 'duel.eu',
    teams: [[a], [b]],
    reason: 'score',
    winner: a,
    durationMs: 1,
    players: { [a]: { score: 20 }, [b]: { score: 10 } },
  };
}

async function main(): Promise<void> {
  const stack = process.env.REDIS_URL ? undefined : await startLocalStack(['redis']);
  const redis = new Redis(process.env.REDIS_URL ?? stack!.env.REDIS_URL!);
  const prefix = `bench-rk-${Date.now()}:`;
  const keys = rankingKeys(prefix);
  const seasons = new Seasons(redis, keys);
  const ratings = new RatingStore(redis, keys, seasons);
  const boards = new Leaderboards(redis, keys, seasons);
  const rawKey = `${prefix}raw`;
  try {
    const rawZadd = await rate(() => redis.zadd(rawKey, Math.random() * 1e6, player()));
    const rawRank = await rate(() => redis.zrevrank(rawKey, player()));
    const updates = await rate((i) => ratings.apply(matchBetween(i), Date.now()), 2); // 2 players ranked per match
    const queries = await rate(() =>
      boards.answer({ kind: 'player', player: player() }).catch(() => undefined),
    );
    const f = (n: number) => Math.round(n).toLocaleString('en').padStart(10);
    console.log(
      `\nRankings: ${PLAYERS.toLocaleString('en')} players, ${CONCURRENCY} requests in flight, ${SECONDS} s each`,
    );
    console.log(
      `rank updates/s   Arena (match results applied) ${f(updates)}   raw ZADD     ${f(rawZadd)}   ratio ${(updates / rawZadd).toFixed(3)}`,
    );
    console.log(
      `rank queries/s   Arena (player standing)       ${f(queries)}   raw ZREVRANK ${f(rawRank)}   ratio ${(queries / rawRank).toFixed(3)}`,
    );
  } finally {
    const left = await redis.keys(`${prefix}*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
    await stack?.stop();
  }
}

runBench(main);
