import type { Entities, Entity } from '../../shared/protocol/index.js';

export type { Entities, Entity };

/**
 * The API a studio implements to run its own game on Arena's room servers (`arena/game`).
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
 * - Never trust input: `parseInput` and `parseOptions` turn untrusted client values into typed
 *   ones or reject them, and `onInput` enforces the game's limits (speed, cooldowns, turns).
 *   Clients never set positions or scores.
 * - Time is `ctx.tickMs` per tick; read no wall clock.
 * - A hook that throws is counted, logged and reported to `onError`; the room goes back to its
 *   last checkpoint, and after a few such restores it ends with reason `game_error`.
 */
export interface Game<State, Input, Options = Record<string, never>> {
  /** Short id, e.g. "arena", "battleship"; recorded in checkpoints, results and the registry. */
  readonly name: string;
  /** Seats in one room (bots included). */
  readonly maxPlayers: number;
  /** Fewest players a match needs; a matchmaking mode must not form smaller matches. */
  readonly minPlayers?: number;
  /**
   * Ticks per second for this game; default the server's ROOM_TICK_HZ. 0 = tick only on
   * input (a turn-based game): onTick then runs once after each batch of inputs.
   */
  readonly tickRate?: number;
  /**
   * Validates untrusted room options (from the matchmaking mode or the join request that
   * creates the room). Return a string to refuse (the reason). Without it, options are ignored.
   */
  parseOptions?(raw: unknown): Options | string;
  /** The initial state of a new room. */
  create(ctx: GameContext, options: Options): State;
  /** Validates an untrusted client input; undefined rejects it (the client gets bad_input). */
  parseInput(raw: unknown): Input | undefined;
  /**
   * Return a string to refuse the join with that reason (the client gets error code
   * `join_refused` and the reason). A resuming player is never asked again.
   */
  canJoin?(state: State, playerId: string, ctx: GameContext): true | JoinRefusal;
  onJoin(state: State, playerId: string, ctx: GameContext): void;
  /** The player's connection dropped; their seat is held for the grace period. */
  onDisconnect?(state: State, playerId: string, ctx: GameContext): void;
  onReconnect?(state: State, playerId: string, ctx: GameContext): void;
  /** The player left for good (asked to, or the grace period ran out). */
  onLeave(state: State, playerId: string, ctx: GameContext): void;
  onInput(state: State, playerId: string, input: Input, ctx: GameContext): void;
  onTick(state: State, ctx: GameContext): void;
  /**
   * What this viewer sees, keyed by entity id (hide what they may not see: cards in hand, fog
   * of war). Only what changed since their last view is sent; viewers whose views are equal
   * share one encoded frame, so return the same entities for players who see the same.
   */
  view(state: State, viewerId: string): Entities;
  /** The match result once the match is over; undefined while it goes on. */
  result(state: State, ctx: GameContext): GameResult | undefined;
  /** Inputs for a server-side bot, if the game has bots. */
  botInput?(state: State, botId: string, ctx: GameContext): Input | undefined;
  /**
   * A hook threw. Arena logs and counts it, then restores the room from its last checkpoint;
   * after ROOM_MAX_RESTORES restores the room ends with reason `game_error`. Called for
   * reporting only (e.g. to a studio's error tracker); it must not throw itself.
   */
  onError?(error: unknown, info: GameErrorInfo): void;
}

/** Where a game hook threw. */
export interface GameErrorInfo {
  roomId: string;
  /** The hook: "create", "join", "input", "tick", "view", "result", "bot", "leave", ... */
  phase: string;
}

/** Why a join is refused (shown to the player, code `join_refused`). */
export type JoinRefusal = string;

export interface GameContext {
  readonly roomId: string;
  /** The tick being computed (starts at 1). */
  readonly tick: number;
  /** Milliseconds of game time per tick (1000 / tickRate; 1000 for a game with tickRate 0). */
  readonly tickMs: number;
  /** Seeded uniform random number in [0, 1). */
  random(): number;
  /** A game message to one player: the client receives server message `game_message` {type, data}. */
  send(playerId: string, type: string, data: unknown): void;
  /** A game message to every connected player in the room. */
  broadcast(type: string, data: unknown): void;
  /** A game event into the match log (Kafka -> Elasticsearch event type `game_event`, fields name + data). */
  emit(name: string, data?: Record<string, unknown>): void;
}

/** One player's outcome: what ratings use, plus any numeric stats the game wants to report. */
export interface PlayerResult {
  /** Higher is better; ratings rank by it when no placement is given. */
  score?: number;
  /** 1 = best; ties share a placement. Ratings use it when given. */
  placement?: number;
  readonly [stat: string]: number | undefined;
}

/**
 * What a game reports at the end. Arena adds matchId, queue, teams, roomId, game and
 * durationMs; the game cannot set them.
 */
export interface GameResult {
  /** Per player: score (higher is better) or placement (1 = best); ratings use placement if given, else score. */
  players: Record<string, PlayerResult>;
  winner?: string | null;
  reason?: string;
  data?: Record<string, unknown>;
}

/** A game whose state, input and option types are not known to the caller (the room server). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyGame = Game<any, any, any>;

/** Identity helper that infers a game's State, Input and Options types from its hooks. */
export function defineGame<State, Input, Options = Record<string, never>>(
  game: Game<State, Input, Options>,
): Game<State, Input, Options> {
  return game;
}
