/**
 * The game whose ratings and leaderboards keep the keys they had before ratings were per game
 * (no migration): every other game's keys carry its name. Also the game a leaderboard query
 * means when it names none, and the game whose ratings a mode that names no game queues by.
 */
export const REFERENCE_GAME = 'arena';

/** A game name as room servers and modes spell it; nothing else can become part of a key. */
export const GAME_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Rankings keys, laid out for Redis Cluster. A match's rating update is one Lua script, so
 * skills, matchmaking ratings and the per-match applied markers share the {ratings} slot
 * (written once per match: a small, steady load). Leaderboards, which take the reads, get a
 * slot each: {lb:<season>:<board>} for the reference game, {lb:<season>:game:<game>:<board>}
 * for any other (boards are "global" or "region:<id>", so the two layouts never meet).
 *
 * Ratings and boards are per game: a player has one skill per game they play, and each game
 * has its own boards. Seasons are shared by all games.
 */
export function rankingKeys(prefix: string) {
  const suffix = (game: string) => (game === REFERENCE_GAME ? '' : `:${checkedGame(game)}`);
  return {
    /** Hash: player -> skill JSON {mu, sigma}, in one game. */
    skills: (game: string) => `${prefix}{ratings}:skill${suffix(game)}`,
    /** Hash: player -> matchmaking rating in one game (the gateway reads this when queueing). */
    mmr: (game: string) => `${prefix}{ratings}:mmr${suffix(game)}`,
    /** String: the applied outcome of a match (JSON); its existence makes re-application a no-op. */
    applied: (matchId: string) => `${prefix}{ratings}:applied:${matchId}`,
    /** Sorted set: a game's board ("global" or "region:<id>") in a season, scored by leaderboard-score. */
    board: (season: string, board: string, game: string) =>
      game === REFERENCE_GAME
        ? `${prefix}{lb:${season}:${board}}:z`
        : `${prefix}{lb:${season}:game:${checkedGame(game)}:${board}}:z`,
    /** Hash: season id -> JSON {id, startedAt}. */
    seasons: `${prefix}lb:seasons`,
    /** String: the current season's id. */
    currentSeason: `${prefix}lb:season:current`,
  };
}
export type RankingKeys = ReturnType<typeof rankingKeys>;

/** Refuses a name that could make one game's key another's (callers validate first; this is the backstop). */
function checkedGame(game: string): string {
  if (!GAME_NAME.test(game)) throw new Error(`not a game name: ${JSON.stringify(game)}`);
  return game;
}

export const GLOBAL_BOARD = 'global';
export const regionBoard = (region: string) => `region:${region}`;
