import { battleshipBrain } from './battleship-brain.js';
import type { BrainFactory } from './brain.js';
import { referenceBrain } from './reference-brain.js';

export type { BotBrain, BrainFactory } from './brain.js';

/** The game a bot plays when its queue's mode names none and no --game is given: the reference game. */
export const DEFAULT_GAME = 'arena';

/** The swarm's bots by the game they play (a game's name, as the room servers host it). */
const BRAINS: Readonly<Record<string, BrainFactory>> = {
  arena: referenceBrain,
  'arena-sprint': referenceBrain,
  battleship: battleshipBrain,
};

/** The games the swarm has a bot for. */
export const gamesWithBrains = (): string[] => Object.keys(BRAINS);

/** The brain that plays `game`, or undefined when the swarm has none for it. */
export function brainFor(game: string): BrainFactory | undefined {
  return Object.hasOwn(BRAINS, game) ? BRAINS[game] : undefined;
}
