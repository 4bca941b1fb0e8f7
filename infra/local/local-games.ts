import { DEFAULT_MODES, type ModeConfig } from '../../shared/matchmaking/modes.js';

/** Battleship as the local stack loads it (a path from the repository root, the services' cwd). */
export const BATTLESHIP_MODULE = './infra/local/games/battleship.ts';

/**
 * The local stack's matchmaking modes: the defaults (duel, duo, ffa: the room server's first
 * game) and `battle`, a Battleship duel (the web demo's quick match, the swarm's
 * `--queues battle.eu`).
 */
export const LOCAL_MODES: Readonly<Record<string, ModeConfig>> = {
  ...DEFAULT_MODES,
  battle: {
    game: 'battleship',
    teams: 2,
    teamSize: 1,
    window: { initial: 50, perSecond: 25, exponent: 1, max: 600 },
    maxWaitMs: 120_000,
    joinDeadlineMs: 30_000,
    noShow: 'requeue',
  },
};

/**
 * The games of `npm start`: room servers host the reference game (or ROOM_GAME) first and
 * Battleship beside it, and the matchmaker knows both and runs LOCAL_MODES. Whatever is set in
 * `env` wins.
 */
export function localGameEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return {
    ROOM_GAMES: env.ROOM_GAMES || `${env.ROOM_GAME || 'arena'},${BATTLESHIP_MODULE}`,
    MATCHMAKER_GAMES: env.MATCHMAKER_GAMES || `arena,arena-sprint,${BATTLESHIP_MODULE}`,
    MATCHMAKER_MODES: env.MATCHMAKER_MODES || JSON.stringify(LOCAL_MODES),
  };
}
