import { describe, expect, it, vi } from 'vitest';
import type { Game } from 'arena/game';
import { createTestRoom, GameHookError, OptionsRefusedError } from 'arena/testing';

/** A tiny counting game that exercises every hook the kit drives. */
interface CountState {
  goal: number;
  counts: Record<string, number>;
  ticks: number;
  locked: boolean;
  bag?: unknown;
}
type CountInput = { add: number };

function countingGame(overrides: Partial<Game<CountState, CountInput, { goal: number }>> = {}) {
  const game: Game<CountState, CountInput, { goal: number }> = {
    name: 'count',
    maxPlayers: 2,
    tickRate: 10,
    parseOptions(raw) {
      const goal = (raw as { goal?: unknown } | undefined)?.goal ?? 5;
      return typeof goal === 'number' && goal > 0 ? { goal } : 'goal must be a positive number';
    },
    create: (_ctx, { goal }) => ({ goal, counts: {}, ticks: 0, locked: false }),
    parseInput: (raw) =>
      typeof (raw as CountInput)?.add === 'number' ? { add: (raw as CountInput).add } : undefined,
    canJoin: (state) => (state.locked ? 'locked' : true),
    onJoin(state, id, ctx) {
      state.counts[id] = 0;
      ctx.broadcast('joined', { id });
    },
    onLeave(state, id) {
      delete state.counts[id];
    },
    onInput(state, id, input, ctx) {
      state.counts[id] = (state.counts[id] ?? 0) + input.add;
      ctx.send(id, 'count', { value: state.counts[id] });
      ctx.emit('added', { id, add: input.add });
    },
    onTick(state) {
      state.ticks++;
    },
    view: (state, viewer) => ({ me: { k: 'me', count: state.counts[viewer] ?? -1 } }),
    result(state) {
      const winner = Object.keys(state.counts).find((id) => state.counts[id]! >= state.goal);
      return winner ? { winner, players: { [winner]: { placement: 1 } } } : undefined;
    },
    botInput: () => ({ add: 1 }),
    ...overrides,
  };
  return game;
}

describe('arena/testing: a game in a test room without a server', () => {
  it('passes the raw options through parseOptions and refuses bad ones with the reason', () => {
    expect(createTestRoom(countingGame(), { options: { goal: 3 } }).state.goal).toBe(3);
    expect(createTestRoom(countingGame()).state.goal).toBe(5);
    expect(() => createTestRoom(countingGame(), { options: { goal: -1 } })).toThrow(OptionsRefusedError);
    expect(() => createTestRoom(countingGame(), { options: { goal: 'x' } })).toThrow(
      /goal must be a positive/,
    );
  });

  it('refuses joins when full, already seated, refused by canJoin, or ended', () => {
    const room = createTestRoom(countingGame(), { options: { goal: 1 } });
    expect(room.join('ann')).toEqual({ ok: true });
    expect(room.join('ann')).toMatchObject({ ok: false, code: 'already_in_room' });
    room.state.locked = true;
    expect(room.join('bob')).toEqual({ ok: false, code: 'join_refused', reason: 'locked' });
    room.state.locked = false;
    expect(room.join('bob')).toEqual({ ok: true });
    expect(room.join('cat')).toMatchObject({ ok: false, code: 'room_full' });
    room.leave('bob');
    room.input('ann', { add: 1 });
    room.tickN();
    expect(room.ended).toBe(true);
    expect(room.join('cat')).toMatchObject({ ok: false, code: 'room_ended' });
  });

  it('applies an input on the next tick, not before, and rejects what parseInput rejects', () => {
    const room = createTestRoom(countingGame());
    room.join('ann');
    expect(room.input('ann', { add: 2 })).toBe(true);
    expect(room.input('ann', { add: 'lots' })).toBe(false);
    expect(room.input('nobody', { add: 1 })).toBe(false);
    expect(room.view('ann')).toEqual({ me: { k: 'me', count: 0 } });
    room.tickN();
    expect(room.view('ann')).toEqual({ me: { k: 'me', count: 2 } });
    expect(room.view('bob')).toEqual({ me: { k: 'me', count: -1 } });
    expect(room.tick).toBe(1);
  });

  it('records messages per player and broadcasts to all, and events with their tick', () => {
    const room = createTestRoom(countingGame());
    room.join('ann');
    room.join('bob');
    room.input('bob', { add: 1 });
    room.tickN(2);
    expect(room.messages('ann')).toEqual([
      { type: 'joined', data: { id: 'ann' }, tick: 0 },
      { type: 'joined', data: { id: 'bob' }, tick: 0 },
    ]);
    expect(room.takeMessages('bob').map((m) => m.type)).toEqual(['joined', 'count']);
    expect(room.takeMessages('bob')).toEqual([]);
    expect(room.events).toEqual([{ name: 'added', data: { id: 'bob', add: 1 }, tick: 1 }]);
    expect(room.eventsNamed('added')).toHaveLength(1);
  });

  it('drops queued inputs and messages of a disconnected player until they reconnect', () => {
    const onDisconnect = vi.fn();
    const onReconnect = vi.fn();
    const room = createTestRoom(countingGame({ onDisconnect, onReconnect }));
    room.join('ann');
    room.join('bob');
    room.input('ann', { add: 3 });
    room.disconnect('ann');
    expect(room.input('ann', { add: 1 })).toBe(false);
    room.tickN();
    expect(room.view('ann').me).toEqual({ k: 'me', count: 0 });
    expect(onDisconnect).toHaveBeenCalledOnce();
    room.reconnect('ann');
    expect(onReconnect).toHaveBeenCalledOnce();
    expect(room.messages('ann').map((m) => m.type)).toEqual(['joined', 'joined']);
  });

  it('lets time pass at the game tick rate, and ticks a tickRate 0 game on each input', () => {
    const room = createTestRoom(countingGame());
    expect(room.tickMs).toBe(100);
    room.advance(1_050);
    expect(room.tick).toBe(10);
    expect(room.state.ticks).toBe(10);
    expect(createTestRoom(countingGame({ tickRate: undefined }), { serverTickHz: 50 }).tickMs).toBe(20);

    const onInput = createTestRoom(countingGame({ tickRate: 0 }));
    onInput.join('ann');
    onInput.input('ann', { add: 1 });
    expect(onInput.tick).toBe(1);
    expect(onInput.view('ann').me!.count).toBe(1);
    onInput.advance(1_500);
    expect(onInput.tick).toBe(1);
    const seenTickMs: number[] = [];
    const timed = createTestRoom(
      countingGame({ tickRate: 0, onTick: (_s, ctx) => void seenTickMs.push(ctx.tickMs) }),
    );
    timed.join('ann');
    timed.advance(1_500);
    timed.input('ann', { add: 1 });
    timed.input('ann', { add: 1 });
    expect(seenTickMs).toEqual([1_500, 0]);
  });

  it('runs bots from botInput and stops at the result', () => {
    const room = createTestRoom(countingGame(), { options: { goal: 4 } });
    room.addBot('bot-1');
    const result = room.runToEnd(100);
    expect(result).toEqual({ winner: 'bot-1', players: { 'bot-1': { placement: 1 } } });
    expect(room.tick).toBe(4);
    room.tickN(5);
    expect(room.tick).toBe(4);
    expect(() => createTestRoom(countingGame({ botInput: undefined })).addBot('b')).toThrow(/no botInput/);
    expect(() => createTestRoom(countingGame()).runToEnd(3)).toThrow(/did not end within 3 ticks/);
  });

  it('reports a throwing hook to onError with the phase, then throws it', () => {
    const onError = vi.fn();
    const room = createTestRoom(
      countingGame({
        onError,
        onTick() {
          throw new Error('boom');
        },
      }),
      { roomId: 'r-1' },
    );
    const thrown = (() => {
      try {
        room.tickN();
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(GameHookError);
    expect((thrown as GameHookError).phase).toBe('tick');
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }), {
      roomId: 'r-1',
      phase: 'tick',
    });
  });

  it('refuses state that would not survive a checkpoint, naming the path', () => {
    const room = createTestRoom(
      countingGame({
        onTick(state) {
          state.bag = { items: new Map() };
        },
      }),
    );
    expect(() => room.tickN()).toThrow(
      /state after tick 1 is not plain data at \$\.bag\.items \(Map instance\)/,
    );
  });

  it('is reproducible: the same seed gives the same random sequence', () => {
    const draws = (seed: number) => {
      const seen: number[] = [];
      const game = countingGame({
        onTick: (_s, ctx) => {
          seen.push(ctx.random());
        },
      });
      createTestRoom(game, { seed }).tickN(3);
      return seen;
    };
    expect(draws(7)).toEqual(draws(7));
    expect(draws(7)).not.toEqual(draws(8));
  });
});
