import { rankingKeys, REFERENCE_GAME } from './keys.js';
import type { RedisClient } from './redis-client.js';

/** Rating of a player who has none yet. */
export const DEFAULT_MATCHMAKING_RATING = 1500;

/**
 * The number the matchmaker scores tickets by: each player's matchmaking rating in the game
 * being queued for, kept in one Redis hash per game that the rating system updates after
 * every match; a party gets the mean.
 */
export class MatchmakingRatings {
  private readonly keys;

  constructor(
    /** The rankings Redis (RatingStore writes the ratings there): one Redis or a Cluster. */
    private readonly redis: RedisClient,
    keyPrefix: string,
  ) {
    this.keys = rankingKeys(keyPrefix);
  }

  /** `game` undefined (a mode that names no game): the reference game's ratings. */
  async of(players: string[], game: string | undefined): Promise<number> {
    if (players.length === 0) return DEFAULT_MATCHMAKING_RATING;
    const values = await this.redis.hmget(this.keys.mmr(game ?? REFERENCE_GAME), ...players);
    const ratings = values.map((v) =>
      v === null || !Number.isFinite(Number(v)) ? DEFAULT_MATCHMAKING_RATING : Number(v),
    );
    return ratings.reduce((a, b) => a + b, 0) / ratings.length;
  }
}
