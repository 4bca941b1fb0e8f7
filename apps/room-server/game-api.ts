import type { Entities, MatchResult } from '../../shared/protocol/index.js';

/**
 * The API a studio implements to run its own game on Arena's room servers.
 *
 * The room server owns the clock, the players and the network; the game owns the rules.
 * Every hook runs on the room's tick, one room at a time, so a game needs no locking.
 *
 * Rules a game must follow:
 * - State is plain data (objects, arrays, numbers, strings, booleans): it is checkpointed to
 *   Redis as msgpack and restored on another server after a crash, so no class instances,
 *   Maps, functions or timers in it.
 * - Randomness comes from `ctx.random()`: it is seeded per room and saved in checkpoints, so a
 *   restored room continues the same sequence.
 * - Never trust input: `parseInput` turns an untrusted client value into a typed input or
 *   rejects it, and `onInput` enforces the game's limits (speed, cooldowns). Clients never
 *   set positions or scores.
 * - Time is `ctx.tickMs` per tick; read no wall clock.
 */
export interface Game<State, Input> {
  /** Short id, e.g. "arena"; recorded in checkpoints and results. */
  readonly name: string;
  readonly maxPlayers: number;
  create(ctx: GameContext): State;
  /** Validates an untrusted client input; undefined rejects it (the client gets bad_input). */
  parseInput(raw: unknown): Input | undefined;
  onJoin(state: State, playerId: string, ctx: GameContext): void;
  /** The player's connection dropped; their seat is held for the grace period. */
  onDisconnect?(state: State, playerId: string, ctx: GameContext): void;
  onReconnect?(state: State, playerId: string, ctx: GameContext): void;
  /** The player left for good (asked to, or the grace period ran out). */
  onLeave(state: State, playerId: string, ctx: GameContext): void;
  onInput(state: State, playerId: string, input: Input, ctx: GameContext): void;
  onTick(state: State, ctx: GameContext): void;
  /** What players see, keyed by entity id; only what changed since the last tick is sent. */
  view(state: State): Entities;
  /** The match result once the match is over; undefined while it goes on. */
  result(state: State, ctx: GameContext): Omit<MatchResult, 'roomId' | 'game'> | undefined;
  /** Inputs for a server-side bot, if the game has bots. */
  botInput?(state: State, botId: string, ctx: GameContext): Input | undefined;
}

export interface GameContext {
  readonly roomId: string;
  /** The tick being computed (starts at 1). */
  readonly tick: number;
  /** Milliseconds of game time per tick. */
  readonly tickMs: number;
  /** Seeded uniform random number in [0, 1). */
  random(): number;
}

/** A game whose state and input types are not known to the caller (the room server). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGame = Game<any, any>;
