/**
 * `npm run bench:rankings [-- --seconds 4 --concurrency 50]`
 *
 * Rank updates per second (match results applied through RatingStore: a skills read, OpenSkill,
 * one Lua apply, two board writes; concurrent matches share those calls) and rank queries per second (Leaderboards 'player' answers), next
 * to raw ZADD and ZREVRANK rates of the same Redis, same concurrency, in the same run.
 */
import { Redis } from 'ioredis';
import type { MatchResult } from '../shared/protocol/index.js';
import { rankingKeys } from '../shared/rankings/keys.js';
import { Leaderboards } from '../shared/rankings/leaderboards.js';
import { RankingsError } from '../shared/rankings/rankings-error.js';
import { RatingStore } from '../shared/rankings/rating-store.js';
import { Seasons } from '../shared/rankings/seasons.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchSection } from './bench-report.js';

const PLAYERS = 10_000;
const player = () => `p${Math.floor(Math.random() * PLAYERS)}`;

/**
 * Runs `op` with `concurrency` in flight for `seconds`; returns completed ops per second of the
 * time it really took (ops started before the end finish after it), times weight. An op that
 * resolves to false did not complete (a query for a player not on the board): not counted.
 */
async function rate(
  o: { seconds: number; concurrency: number },
  op: (i: number) => Promise<unknown>,
  weight = 1,
): Promise<{ perSecond: number; refused: number }> {
  let done = 0;
  let refused = 0;
  let next = 0;
  const started = performance.now();
  const end = Date.now() + o.seconds * 1000;
  await Promise.all(
    Array.from({ length: o.concurrency }, async () => {
      while (Date.now() < end) {
        if ((await op(next++)) === false) refused++;
        else done++;
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  return { perSecond: (done * weight) / elapsedS, refused };
}

/** Every player on the current global board (the top query, page by page). */
async function boardMembers(boards: Leaderboards): Promise<string[]> {
  const members: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await boards.answer({ kind: 'top', offset, limit: 100 });
    if (page.kind !== 'top' || page.standings.length === 0) return members;
    members.push(...page.standings.map((s) => s.player));
  }
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

export async function benchRankings(
  services: ServiceEnv,
  o = { seconds: 4, concurrency: 50 },
): Promise<BenchSection> {
  const redis = new Redis(services.REDIS_URL!);
  const prefix = `bench-rk-${Date.now()}:`;
  const keys = rankingKeys(prefix);
  const seasons = new Seasons(redis, keys);
  const ratings = new RatingStore(redis, keys, seasons);
  const boards = new Leaderboards(redis, keys, seasons);
  const rawKey = `${prefix}raw`;
  try {
    const rawZadd = (await rate(o, () => redis.zadd(rawKey, Math.random() * 1e6, player()))).perSecond;
    // Both query loops ask only for members that exist (a miss is cheaper and proves nothing).
    const ranked = [...new Set(await redis.zrange(rawKey, 0, -1))];
    const someone = () => ranked[Math.floor(Math.random() * ranked.length)]!;
    const rawRank = (await rate(o, async () => (await redis.zrevrank(rawKey, someone())) !== null)).perSecond;
    const updates = (await rate(o, (i) => ratings.apply(matchBetween(i), Date.now()), 2)).perSecond; // 2 players ranked per match
    const onBoard = await boardMembers(boards);
    const pick = () => onBoard[Math.floor(Math.random() * onBoard.length)]!;
    const queried = await rate(o, () =>
      boards.answer({ kind: 'player', player: pick() }).then(
        () => true,
        (err: unknown) => {
          if (err instanceof RankingsError && err.code === 'not_found') return false;
          throw err;
        },
      ),
    );
    const queries = queried.perSecond;
    const f = (n: number) => Math.round(n).toLocaleString('en');
    return {
      title: 'Rankings: leaderboard updates and queries',
      command: 'npm run bench:rankings',
      setup: `${PLAYERS.toLocaleString('en')} players, ${o.concurrency} requests in flight, ${o.seconds} s each`,
      baselineName: 'raw ZADD / ZREVRANK',
      rows: [
        {
          metric: 'rank updates per second (Arena: players ranked by applied match results)',
          arena: f(updates),
          baseline: f(rawZadd),
          ratio: ratio(updates, rawZadd, 'higher'),
        },
        {
          metric: "rank queries per second (Arena: a player's standing)",
          arena: f(queries),
          baseline: f(rawRank),
          ratio: ratio(queries, rawRank, 'higher'),
        },
      ],
      notes: [
        "An applied match reads its players' skills, does the OpenSkill update in Node, then one idempotent Lua apply and one board script per board (global, region); concurrent matches share each of those calls (rating-store.ts). A standing is one Lua call for rank and score.",
        `Rates are over the time each loop really took. Queries ask for players on the board (${onBoard.length.toLocaleString('en')}); a not_found answer would not count (this run: ${queried.refused}).`,
      ],
    };
  } finally {
    const left = await redis.keys(`${prefix}*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
  }
}

runStandalone(import.meta.url, ['redis'], (env) =>
  benchRankings(env, { seconds: numberArg('seconds', 4), concurrency: numberArg('concurrency', 50) }),
);
