import type { AnyGame } from '../game-api.js';
import { arenaGame, arenaSprintGame } from './arena/arena-game.js';

/** The games this room server can run, by name. A studio adds its own here. */
export const games: Readonly<Record<string, AnyGame>> = {
  arena: arenaGame,
  'arena-sprint': arenaSprintGame,
};
