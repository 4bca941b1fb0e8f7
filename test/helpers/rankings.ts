import type { MatchResult } from '../../shared/protocol/index.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import { Leaderboards } from '../../shared/rankings/leaderboards.js';
import { RatingStore } from '../../shared/rankings/rating-store.js';
import type { RedisClient } from '../../shared/rankings/redis-client.js';
import { Seasons } from '../../shared/rankings/seasons.js';
import { uniqueName } from './services.js';

/** Rankings over one Redis client, isolated under a fresh key prefix. */
export function rankingsOn(redis: RedisClient, prefix = `${uniqueName('rk')}:`) {
  const keys = rankingKeys(prefix);
  const seasons = new Seasons(redis, keys);
  return {
    prefix,
    keys,
    seasons,
    ratings: new RatingStore(redis, keys, seasons),
    boards: new Leaderboards(redis, keys, seasons),
  };
}

/** A matchmade 1v1 (or FFA) result of `game`: the first team listed scored most. */
export function resultOf(matchId: string, teams: string[][], queue = 'duel.eu', game = 'arena'): MatchResult {
  const players = Object.fromEntries(
    teams.flatMap((team, i) => team.map((p) => [p, { score: (teams.length - i) * 10 }])),
  );
  return {
    roomId: `m-${matchId}`,
    game,
    matchId,
    queue,
    teams,
    reason: 'score',
    winner: teams[0]![0]!,
    durationMs: 1,
    players,
  };
}
