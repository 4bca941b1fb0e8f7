import { decodeScore } from './leaderboard-score.js';
import type { LeaderboardQuery } from './leaderboard-query.js';
import { GLOBAL_BOARD, REFERENCE_GAME, regionBoard, type RankingKeys } from './keys.js';
import { RankingsError } from './rankings-error.js';
import type { RedisClient } from './redis-client.js';
import type { Season, Seasons } from './seasons.js';
import { LuaScript } from '../redis/lua-script.js';

export interface Standing {
  /** 1-based place on the board. */
  rank: number;
  player: string;
  rating: number;
  achievedAt: number;
}

export type LeaderboardAnswer =
  | { kind: 'top'; game: string; season: string; board: string; total: number; standings: Standing[] }
  | { kind: 'player'; game: string; season: string; board: string; standing: Standing }
  | { kind: 'around'; game: string; season: string; board: string; standings: Standing[] }
  | {
      kind: 'friends';
      game: string;
      season: string;
      board: string;
      standings: Standing[];
      unranked: string[];
    }
  | { kind: 'seasons'; current: string; seasons: Season[] };

// Rank and score in one round trip.
const STANDING = new LuaScript(
  'arenaLeaderboardStanding',
  `
-- A player's rank (0-based, best first) and score on a board, or {false, false} if absent.
-- KEYS[1] board   sorted set: player -> encoded score
-- ARGV[1] player
local board, player = KEYS[1], ARGV[1]
local rank = redis.call('ZREVRANK', board, player)
if not rank then return {false, false} end
return {rank, redis.call('ZSCORE', board, player)}`,
);

/**
 * Read side of the leaderboards, one set of boards per game (a query naming no game reads the
 * reference game's; every answer names its game). Every query is a bounded number of
 * O(log n) Redis calls.
 */
export class Leaderboards {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RankingKeys,
    private readonly seasons: Seasons,
  ) {}

  async answer(q: LeaderboardQuery): Promise<LeaderboardAnswer> {
    if (q.kind === 'seasons')
      return { kind: 'seasons', current: await this.seasons.current(), seasons: await this.seasons.list() };
    const season = await this.seasons.resolve(q.season);
    const game = q.game ?? REFERENCE_GAME;
    const board = q.region ? regionBoard(q.region) : GLOBAL_BOARD;
    const key = this.keys.board(season, board, game);
    switch (q.kind) {
      case 'top': {
        const [flat, total] = await Promise.all([
          this.redis.zrevrange(key, q.offset, q.offset + q.limit - 1, 'WITHSCORES'),
          this.redis.zcard(key),
        ]);
        return { kind: 'top', game, season, board, total, standings: standings(flat, q.offset) };
      }
      case 'player':
        return { kind: 'player', game, season, board, standing: await this.standingOf(key, q.player) };
      case 'around': {
        const me = await this.standingOf(key, q.player);
        const start = Math.max(0, me.rank - 1 - q.radius);
        const flat = await this.redis.zrevrange(key, start, me.rank - 1 + q.radius, 'WITHSCORES');
        return { kind: 'around', game, season, board, standings: standings(flat, start) };
      }
      case 'friends': {
        const found = await Promise.all(q.players.map((p) => this.standingOf(key, p).catch(() => undefined)));
        return {
          kind: 'friends',
          game,
          season,
          board,
          standings: found.filter((s): s is Standing => s !== undefined).sort((a, b) => a.rank - b.rank),
          unranked: q.players.filter((_, i) => found[i] === undefined),
        };
      }
    }
  }

  private async standingOf(key: string, player: string): Promise<Standing> {
    const [rank, score] = (await STANDING.run(this.redis, [key], [player])) as [number | null, string | null];
    if (rank === null || score === null)
      throw new RankingsError('not_found', `player ${player} has no standing on this board`);
    const { points, achievedAtMs } = decodeScore(Number(score));
    return { rank: rank + 1, player, rating: points, achievedAt: achievedAtMs };
  }
}

function standings(flat: string[], offset: number): Standing[] {
  const out: Standing[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const { points, achievedAtMs } = decodeScore(Number(flat[i + 1]));
    out.push({ rank: offset + i / 2 + 1, player: flat[i]!, rating: points, achievedAt: achievedAtMs });
  }
  return out;
}
