import type { Redis } from 'ioredis';

/** Rating of a player who has none yet. */
export const DEFAULT_MATCHMAKING_RATING = 1500;

/**
 * The number the matchmaker scores tickets by: each player's matchmaking rating, kept in one
 * Redis hash that the rating system updates after every match; a party gets the mean.
 */
export class MatchmakingRatings {
  constructor(
    private readonly redis: Redis,
    private readonly hashKey: string,
  ) {}

  async of(players: string[]): Promise<number> {
    if (players.length === 0) return DEFAULT_MATCHMAKING_RATING;
    const values = await this.redis.hmget(this.hashKey, ...players);
    const ratings = values.map((v) =>
      v === null || !Number.isFinite(Number(v)) ? DEFAULT_MATCHMAKING_RATING : Number(v),
    );
    return ratings.reduce((a, b) => a + b, 0) / ratings.length;
  }
}

/** Same key as rankingKeys(prefix).mmr: the rating system writes it, the matchmaker reads it. */
export function matchmakingRatingsKey(prefix: string): string {
  return `${prefix}{ratings}:mmr`;
}
