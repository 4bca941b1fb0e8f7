import type { Entities, Game, GameContext, GameResult } from '../lib/game.js';
import { findNonPlainData } from './plain-data.js';
import { seededRandom, seedFromId } from './seeded-random.js';

/** How {@link createTestRoom} sets up the room. */
export interface TestRoomSettings {
  /** Raw room options, as a mode or a join request would give them; they go through `parseOptions`. */
  options?: unknown;
  /** The room id the game sees in `ctx.roomId`; also seeds `ctx.random()` unless `seed` is set. Default "test-room". */
  roomId?: string;
  /** Seed for `ctx.random()`: the same seed and the same calls give the same game. */
  seed?: number;
  /** The server's tick rate (ROOM_TICK_HZ) for a game without its own `tickRate`. Default 20. */
  serverTickHz?: number;
  /**
   * After every hook, check that the state, messages and events are plain data (what survives a
   * checkpoint and a frame) and throw naming the first bad path. Default true.
   */
  checkPlainData?: boolean;
}

/** Why a join was refused; `code` is the error code a real client would get. */
export type JoinOutcome =
  | { ok: true }
  | { ok: false; code: 'room_full' | 'join_refused' | 'room_ended' | 'already_in_room'; reason: string };

/** A message the game sent to one player (`ctx.send`) or to all (`ctx.broadcast`). */
export interface SentMessage {
  type: string;
  data: unknown;
  /** The tick during which it was sent (0 before the first tick). */
  tick: number;
}

/** A game event (`ctx.emit`) as it would go into the match log. */
export interface EmittedEvent {
  name: string;
  data: Record<string, unknown>;
  tick: number;
}

/** A game hook threw. The kit reports it to the game's `onError` first, as the room server does. */
export class GameHookError extends Error {
  constructor(
    readonly phase: string,
    override readonly cause: unknown,
  ) {
    super(`the game threw in ${phase}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'GameHookError';
  }
}

/** The game refused the room options (`parseOptions` returned a reason). */
export class OptionsRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`room options refused: ${reason}`);
    this.name = 'OptionsRefusedError';
  }
}

interface Seat {
  bot: boolean;
  connected: boolean;
  inputs: unknown[];
  messages: SentMessage[];
}

/**
 * One game room with no server around it: seats, queued inputs applied on the tick, bots, the
 * tick clock, and a record of everything the game said. Create it with {@link createTestRoom}.
 *
 * It follows the room server's order on each tick: every seat's queued inputs (bots' from
 * `botInput`), then `onTick`, then `result`. Hooks run synchronously, so a test reads the
 * outcome right after the call.
 */
export class TestRoom<State, Input> {
  /** The game's state; read it in assertions, change it only through the room. */
  readonly state: State;
  /** Milliseconds of game time per tick (`1000 / tickRate`; 0 for a game that ticks only on input). */
  readonly tickMs: number;
  /** For a `tickRate: 0` game: time let pass since its last step, which the next step reports as `ctx.tickMs`. */
  private idleMs = 0;
  /** Every game event emitted so far, oldest first. */
  readonly events: EmittedEvent[] = [];
  private readonly seats = new Map<string, Seat>();
  private readonly random: () => number;
  private tickCount = 0;
  private outcome: GameResult | undefined;
  private readonly checkPlain: boolean;

  /** @internal use {@link createTestRoom} */
  constructor(
    private readonly game: Game<State, Input, unknown>,
    options: unknown,
    readonly roomId: string,
    seed: number,
    serverTickHz: number,
    checkPlainData: boolean,
  ) {
    const tickRate = game.tickRate ?? serverTickHz;
    this.tickMs = tickRate > 0 ? 1000 / tickRate : 0;
    this.random = seededRandom(seed);
    this.checkPlain = checkPlainData;
    this.state = this.hook('create', () => game.create(this.context(), options));
    this.assertPlain('state after create', this.state);
  }

  /** Ticks computed so far. */
  get tick(): number {
    return this.tickCount;
  }

  /** The match result, once `result` returned one; the room is then over. */
  get result(): GameResult | undefined {
    return this.outcome;
  }

  /** True once the game reported a result. */
  get ended(): boolean {
    return this.outcome !== undefined;
  }

  /** Seated players and bots, in the order they joined. */
  get players(): string[] {
    return [...this.seats.keys()];
  }

  /**
   * Seats a player the way the room server does: refused when the room is over, already seated,
   * full (`maxPlayers`) or when `canJoin` returns a reason; otherwise `onJoin` runs.
   * @example
   * expect(room.join('carol')).toEqual({ ok: false, code: 'room_full', reason: expect.any(String) });
   */
  join(playerId: string): JoinOutcome {
    return this.seat(playerId, false);
  }

  /** Seats a server-side bot: its inputs come from the game's `botInput` on every tick. */
  addBot(botId: string): JoinOutcome {
    if (!this.game.botInput) throw new Error(`${this.game.name} has no botInput: it cannot have bots`);
    return this.seat(botId, true);
  }

  /** The player's connection dropped (`onDisconnect`); their queued inputs are dropped and messages to them are lost until they reconnect. */
  disconnect(playerId: string): void {
    const seat = this.humanSeat(playerId);
    if (!seat.connected) return;
    seat.connected = false;
    seat.inputs.length = 0;
    this.hook('disconnect', () => this.game.onDisconnect?.(this.state, playerId, this.context()));
  }

  /** The player came back within the grace period (`onReconnect`). */
  reconnect(playerId: string): void {
    const seat = this.humanSeat(playerId);
    if (seat.connected) return;
    seat.connected = true;
    this.hook('reconnect', () => this.game.onReconnect?.(this.state, playerId, this.context()));
  }

  /** The player (or bot) left for good (`onLeave`). */
  leave(playerId: string): void {
    if (!this.seats.delete(playerId)) throw new Error(`${playerId} is not seated in ${this.roomId}`);
    this.hook('leave', () => this.game.onLeave(this.state, playerId, this.context()));
  }

  /**
   * Sends a raw client input, as untrusted as a real one. It goes through `parseInput` now and is
   * applied on the next tick (at once for a game with `tickRate: 0`). False when `parseInput`
   * rejected it (a real client would get `bad_input`), or the player is not seated and connected.
   */
  input(playerId: string, raw: unknown): boolean {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot || !seat.connected || this.ended) return false;
    const input = this.hook('input', () => this.game.parseInput(raw));
    if (input === undefined) return false;
    seat.inputs.push(input);
    if (this.tickMs === 0) this.step();
    return true;
  }

  /** Computes `count` ticks (fewer if the match ends first). */
  tickN(count = 1): this {
    for (let i = 0; i < count && !this.ended; i++) this.step();
    return this;
  }

  /**
   * Lets `ms` of game time pass: as many ticks as fit in it. For a game that ticks only on input
   * (`tickRate: 0`) nothing runs; the next input's step sees the time passed as `ctx.tickMs`.
   */
  advance(ms: number): this {
    if (this.tickMs > 0) return this.tickN(Math.floor(ms / this.tickMs));
    this.idleMs += ms;
    return this;
  }

  /**
   * Ticks until the match ends; throws if it has not after `maxTicks` (a game that never ends
   * is a bug the test should report, not hang on).
   * @example
   * room.addBot('bot-1'); room.addBot('bot-2');
   * const result = room.runToEnd(10_000);
   */
  runToEnd(maxTicks: number): GameResult {
    this.tickN(maxTicks);
    if (!this.outcome) throw new Error(`${this.game.name} did not end within ${maxTicks} ticks`);
    return this.outcome;
  }

  /** What `viewerId` sees now (`view(state, viewerId)`): exactly what their client would be sent. */
  view(viewerId: string): Entities {
    const entities = this.hook('view', () => this.game.view(this.state, viewerId));
    this.assertPlain(`view for ${viewerId}`, entities);
    return entities;
  }

  /** Every game message delivered to this player so far (sent to them or broadcast), oldest first. */
  messages(playerId: string): SentMessage[] {
    return [...(this.seats.get(playerId)?.messages ?? [])];
  }

  /** The messages delivered to this player since the last call, and forgets them. */
  takeMessages(playerId: string): SentMessage[] {
    const seat = this.seats.get(playerId);
    return seat ? seat.messages.splice(0) : [];
  }

  /** The events with this name emitted so far. */
  eventsNamed(name: string): EmittedEvent[] {
    return this.events.filter((e) => e.name === name);
  }

  private seat(playerId: string, bot: boolean): JoinOutcome {
    if (this.ended) return { ok: false, code: 'room_ended', reason: `room ${this.roomId} has ended` };
    if (this.seats.has(playerId))
      return { ok: false, code: 'already_in_room', reason: `${playerId} is already seated` };
    if (this.seats.size >= this.game.maxPlayers) {
      return {
        ok: false,
        code: 'room_full',
        reason: `room ${this.roomId} is full (${this.game.maxPlayers} players)`,
      };
    }
    const verdict = this.hook(
      'canJoin',
      () => this.game.canJoin?.(this.state, playerId, this.context()) ?? true,
    );
    if (verdict !== true) return { ok: false, code: 'join_refused', reason: verdict };
    this.seats.set(playerId, { bot, connected: true, inputs: [], messages: [] });
    this.hook('join', () => this.game.onJoin(this.state, playerId, this.context()));
    return { ok: true };
  }

  private step(): void {
    this.tickCount++;
    const ctx = this.context(this.tickMs > 0 ? this.tickMs : this.idleMs);
    this.idleMs = 0;
    for (const [playerId, seat] of this.seats) {
      if (seat.bot) {
        const input = this.hook('bot', () => this.game.botInput?.(this.state, playerId, ctx));
        if (input !== undefined)
          this.hook('input', () => this.game.onInput(this.state, playerId, input, ctx));
        continue;
      }
      for (const input of seat.inputs.splice(0) as Input[]) {
        this.hook('input', () => this.game.onInput(this.state, playerId, input, ctx));
      }
    }
    this.hook('tick', () => this.game.onTick(this.state, ctx));
    this.assertPlain(`state after tick ${this.tickCount}`, this.state);
    const outcome = this.hook('result', () => this.game.result(this.state, ctx));
    if (outcome) {
      this.assertPlain('result', outcome);
      this.outcome = outcome;
    }
  }

  private humanSeat(playerId: string): Seat {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot) throw new Error(`${playerId} is not a seated player in ${this.roomId}`);
    return seat;
  }

  private deliver(playerId: string, type: string, data: unknown): void {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot || !seat.connected) return; // as on a server: nobody there to receive it
    seat.messages.push({ type, data, tick: this.tickCount });
  }

  private context(tickMs = this.tickMs): GameContext {
    return {
      roomId: this.roomId,
      tick: this.tickCount,
      tickMs,
      random: this.random,
      send: (playerId, type, data) => {
        this.assertPlain(`message ${type}`, data);
        this.deliver(playerId, type, data);
      },
      broadcast: (type, data) => {
        this.assertPlain(`message ${type}`, data);
        for (const playerId of this.seats.keys()) this.deliver(playerId, type, data);
      },
      emit: (name, data = {}) => {
        this.assertPlain(`event ${name}`, data);
        this.events.push({ name, data, tick: this.tickCount });
      },
    };
  }

  private hook<T>(phase: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof GameHookError) throw error;
      this.game.onError?.(error, { roomId: this.roomId, phase });
      throw new GameHookError(phase, error);
    }
  }

  private assertPlain(what: string, value: unknown): void {
    if (!this.checkPlain) return;
    const bad = findNonPlainData(value);
    if (bad) throw new Error(`${this.game.name}: ${what} is not plain data at ${bad}`);
  }
}

/**
 * Creates a room of `game` for a test: no server, network, Redis or clock; you drive it.
 * The options go through the game's `parseOptions` as on a server (a refusal throws
 * {@link OptionsRefusedError}).
 * @example
 * import { createTestRoom } from 'arena/testing';
 * const room = createTestRoom(battleship, { options: { size: 8 }, seed: 7 });
 * room.join('ann'); room.join('bob');
 * room.input('ann', { x: 3, y: 4 });
 * room.tickN();
 * expect(room.messages('ann').map((m) => m.type)).toContain('shot_result');
 */
export function createTestRoom<State, Input, Options>(
  game: Game<State, Input, Options>,
  settings: TestRoomSettings = {},
): TestRoom<State, Input> {
  let options: unknown = settings.options;
  if (game.parseOptions) {
    const parsed = game.parseOptions(settings.options);
    if (typeof parsed === 'string') throw new OptionsRefusedError(parsed);
    options = parsed;
  }
  const roomId = settings.roomId ?? 'test-room';
  return new TestRoom<State, Input>(
    game as unknown as Game<State, Input, unknown>,
    options,
    roomId,
    settings.seed ?? seedFromId(roomId),
    settings.serverTickHz ?? 20,
    settings.checkPlainData ?? true,
  );
}
