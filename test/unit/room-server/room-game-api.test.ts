import { describe, expect, it } from 'vitest';
import { defineGame, type GameContext } from '../../../apps/room-server/game-api.js';
import { Room, type RoomEvents, type RoomSettings } from '../../../apps/room-server/room.js';
import {
  parseServerMessage,
  type MatchResult,
  type RoomToGateway,
  type ServerMessage,
} from '../../../shared/protocol/index.js';

const settings: RoomSettings = { tickHz: 20, graceMs: 1_000, maxQueuedInputs: 4, idleCloseMs: 5_000 };

/** A card game in miniature: each player holds a secret card; `team` players see each other. */
interface State {
  cards: Record<string, number>;
  deck: number;
  over: boolean;
  mode: string;
}
const secretGame = defineGame<State, { reveal?: boolean; end?: boolean }, { mode: string }>({
  name: 'secret',
  maxPlayers: 6,
  tickRate: 5,
  parseOptions: (raw) => {
    const mode = (raw as { mode?: unknown }).mode ?? 'normal';
    return mode === 'normal' || mode === 'hard' ? { mode } : 'mode must be normal or hard';
  },
  create: (_ctx, options) => ({ cards: {}, deck: 100, over: false, mode: options.mode }),
  parseInput: (raw) => (typeof raw === 'object' && raw !== null ? raw : undefined),
  canJoin: (state, playerId) => (playerId.startsWith('banned') ? 'banned players may not join' : true),
  onJoin: (state, playerId, ctx) => {
    if (playerId.startsWith('spec-')) return; // spectators hold no card
    state.cards[playerId] = state.deck--;
    ctx.send(playerId, 'dealt', { card: state.cards[playerId] });
  },
  onLeave: (state, playerId) => void delete state.cards[playerId],
  onInput: (state, playerId, input, ctx: GameContext) => {
    if (input.reveal) {
      ctx.broadcast('revealed', { playerId, card: state.cards[playerId] });
      ctx.emit('card_revealed', { playerId, card: state.cards[playerId] });
    }
    if (input.end) state.over = true;
  },
  onTick: () => {},
  // Spectators ("spec-*") all see the same; players see only their own card.
  view: (state, viewerId) => {
    const out: Record<string, { k: string; n: number }> = {};
    for (const [id, card] of Object.entries(state.cards))
      out[`c:${id}`] = { k: 'c', n: viewerId === id ? card : -1 };
    return out;
  },
  result: (state) =>
    state.over
      ? ({
          players: { a: { score: 2, placement: 1 }, b: { score: 1, placement: 2 } },
          winner: 'a',
          reason: 'done',
          // What Arena owns cannot be set by the game:
          roomId: 'forged',
          game: 'forged',
          matchId: 'forged',
        } as never)
      : undefined,
});

function recorder() {
  const sent: { gatewayId: string; msg: RoomToGateway }[] = [];
  const ended: (MatchResult | null)[] = [];
  const gameEvents: { name: string; data: Record<string, unknown> }[] = [];
  const events: RoomEvents = {
    send: (gatewayId, msg) => sent.push({ gatewayId, msg }),
    seatChanged: () => {},
    ended: (_room, result) => ended.push(result),
    requeue: () => {},
    gameEvent: (_room, name, data) => gameEvents.push({ name, data }),
  };
  const framesFor = (playerId: string): ServerMessage[] =>
    sent
      .filter((s) => s.msg.type === 'deliver' && s.msg.playerIds.includes(playerId))
      .map((s) => parseServerMessage((s.msg as { frame: Uint8Array }).frame)!);
  const stepAll = (room: Room, nowMs: number) => {
    for (let i = 0; i < 4; i++) if (room.due()) room.step(nowMs);
  };
  return { sent, ended, gameEvents, events, framesFor, stepAll, clear: () => (sent.length = 0) };
}

describe('Room with the grown game API', () => {
  it('per-player views: nobody is sent another player’s hidden card; equal views share one frame', () => {
    const r = recorder();
    const room = Room.create('r1', secretGame, settings, r.events, 0, 0, undefined, { mode: 'normal' });
    for (const p of ['a', 'b', 'spec-1', 'spec-2'])
      expect(room.join(p, 'gw1', 0)).toMatchObject({ ok: true });
    r.stepAll(room, 50);
    const snapshotOf = (p: string) =>
      r.framesFor(p).find((m) => m.type === 'joined') as Extract<ServerMessage, { type: 'joined' }>;
    expect(snapshotOf('a').entities['c:a']).toEqual({ k: 'c', n: 100 });
    expect(snapshotOf('a').entities['c:b']).toEqual({ k: 'c', n: -1 });
    expect(snapshotOf('b').entities['c:b']).toEqual({ k: 'c', n: 99 });
    expect(snapshotOf('b').entities['c:a']).toEqual({ k: 'c', n: -1 });
    r.clear();

    expect(room.join('c', 'gw1', 0)).toMatchObject({ ok: true }); // a new card: every view changes
    r.stepAll(room, 100);
    const deltas = r.sent.filter(
      (s) => s.msg.type === 'deliver' && parseServerMessage(s.msg.frame)?.type === 'state',
    );
    // a, b, and the two spectators (one shared frame): three state frames, not four.
    expect(deltas).toHaveLength(3);
    const spectatorFrame = deltas.find((s) => s.msg.type === 'deliver' && s.msg.playerIds.includes('spec-1'))!
      .msg as { playerIds: string[] };
    expect(spectatorFrame.playerIds.sort()).toEqual(['spec-1', 'spec-2']);
    const forA = r.framesFor('a').find((m) => m.type === 'state') as Extract<
      ServerMessage,
      { type: 'state' }
    >;
    expect(forA.changed['c:c']).toEqual({ k: 'c', n: -1 });
  });

  it('game messages go to one player or all as game_message; emitted events go to the match log', () => {
    const r = recorder();
    const room = Room.create('r1', secretGame, settings, r.events, 0, 0, undefined, { mode: 'normal' });
    room.join('a', 'gw1', 0);
    room.join('b', 'gw2', 0);
    expect(r.framesFor('a').filter((m) => m.type === 'game_message')).toEqual([
      { type: 'game_message', roomId: 'r1', messageType: 'dealt', data: { card: 100 } },
    ]);
    expect(r.framesFor('b').filter((m) => m.type === 'game_message')).toEqual([
      { type: 'game_message', roomId: 'r1', messageType: 'dealt', data: { card: 99 } },
    ]);
    r.clear();
    room.input('a', 'gw1', 1, { reveal: true });
    r.stepAll(room, 50);
    for (const p of ['a', 'b'])
      expect(r.framesFor(p).filter((m) => m.type === 'game_message')).toEqual([
        { type: 'game_message', roomId: 'r1', messageType: 'revealed', data: { playerId: 'a', card: 100 } },
      ]);
    expect(r.gameEvents).toEqual([{ name: 'card_revealed', data: { playerId: 'a', card: 100 } }]);
  });

  it('a join the game refuses gets join_refused with the game’s reason', () => {
    const r = recorder();
    const room = Room.create('r1', secretGame, settings, r.events, 0, 0, undefined, { mode: 'normal' });
    expect(room.join('banned-1', 'gw1', 0)).toEqual({
      ok: false,
      code: 'join_refused',
      message: 'banned players may not join',
    });
    expect(room.humanCount).toBe(0);
  });

  it('the game ticks at its own rate: tickRate 5 on a 20 Hz server steps every 4th server tick', () => {
    const r = recorder();
    const room = Room.create('r1', secretGame, settings, r.events, 0, 0, undefined, { mode: 'hard' });
    const due = Array.from({ length: 12 }, () => room.due());
    expect(due.filter(Boolean)).toHaveLength(3);
    expect(room.tickHz).toBe(5);
    expect((room.checkpoint().state as State).mode).toBe('hard');
  });

  it('the result cannot override what Arena owns (room, game, match)', () => {
    const r = recorder();
    const room = Room.create('r1', secretGame, settings, r.events, 0, 0, undefined, { mode: 'normal' });
    room.join('a', 'gw1', 0);
    room.join('b', 'gw1', 0);
    room.input('a', 'gw1', 1, { end: true });
    r.stepAll(room, 50);
    expect(r.ended).toHaveLength(1);
    const result = r.ended[0]!;
    expect(result).toMatchObject({ roomId: 'r1', game: 'secret', winner: 'a', reason: 'done' });
    expect(result.matchId).toBeUndefined();
    expect(result.players).toEqual({ a: { score: 2, placement: 1 }, b: { score: 1, placement: 2 } });
  });
});
