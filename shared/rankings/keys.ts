/**
 * Rankings keys, laid out for Redis Cluster. A match's rating update is one Lua script, so
 * skills, matchmaking ratings and the per-match applied markers share the {ratings} slot
 * (written once per match: a small, steady load). Leaderboards, which take the reads, get a
 * slot each: {lb:<season>:<board>}.
 */
export function rankingKeys(prefix: string) {
  return {
    /** Hash: player -> skill JSON {mu, sigma}. */
    skills: `${prefix}{ratings}:skill`,
    /** Hash: player -> matchmaking rating (the matchmaker reads this). */
    mmr: `${prefix}{ratings}:mmr`,
    /** String: the applied outcome of a match (JSON); its existence makes re-application a no-op. */
    applied: (matchId: string) => `${prefix}{ratings}:applied:${matchId}`,
    /** Sorted set: a season's board ("global" or "region:<id>"), scored by leaderboard-score. */
    board: (season: string, board: string) => `${prefix}{lb:${season}:${board}}:z`,
    /** Hash: season id -> JSON {id, startedAt}. */
    seasons: `${prefix}lb:seasons`,
    /** String: the current season's id. */
    currentSeason: `${prefix}lb:season:current`,
  };
}
export type RankingKeys = ReturnType<typeof rankingKeys>;

export const GLOBAL_BOARD = 'global';
export const regionBoard = (region: string) => `region:${region}`;
