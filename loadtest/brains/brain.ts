import type { Entity } from '../../shared/protocol/index.js';

/**
 * How a swarm bot plays one match of one game, from what its player sees: the room's view
 * (the SDK's entities) and the game's messages to it. One brain per bot per match, so a brain
 * may remember what it did (e.g. that it already fired this turn).
 */
export interface BotBrain {
  /**
   * Called inputHz times a second while the bot plays: the input to send now, or undefined
   * to send nothing this time (a turn-based game sends only on its turn). Only what a real
   * client may send.
   */
  decide(view: ReadonlyMap<string, Entity>, me: string): unknown;
  /**
   * A game message to this player (ctx.send / ctx.broadcast). Returns an error kind when the
   * message says the bot did something a good player would not (a refused move, a missed
   * turn): the swarm counts it as `game:<kind>`, so a broken brain or a late bot shows.
   */
  onMessage?(type: string, data: unknown): string | undefined;
}

/** Makes a bot's brain for a new match; `random` is the bot's own source of noise. */
export type BrainFactory = (random: () => number) => BotBrain;
