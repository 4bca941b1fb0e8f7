import { describe, expect, it } from 'vitest';
import { arenaGame } from '../../../apps/room-server/games/arena/arena-game.js';
import { Room, type RoomEvents, type RoomSettings } from '../../../apps/room-server/room.js';
import {
  parseServerMessage,
  type MatchResult,
  type RoomToGateway,
  type ServerMessage,
} from '../../../shared/protocol/index.js';

const settings: RoomSettings = { tickHz: 20, graceMs: 1_000, maxQueuedInputs: 4, idleCloseMs: 5_000 };

function recorder() {
  const sent: { gatewayId: string; msg: RoomToGateway }[] = [];
  const seats: [string, string | null][] = [];
  const ended: (MatchResult | null)[] = [];
  const endReasons: string[] = [];
  const requeued: {
    queue: string;
    tickets: { players: string[]; enqueuedAt: number }[];
    game: string | undefined;
  }[] = [];
  const events: RoomEvents = {
    send: (gatewayId, msg) => sent.push({ gatewayId, msg }),
    seatChanged: (p, r) => seats.push([p, r]),
    ended: (_room, result, reason) => {
      ended.push(result);
      endReasons.push(reason);
    },
    requeue: (queue, tickets, game) => requeued.push({ queue, tickets, game }),
  };
  /** Client frames delivered to a player, decoded, oldest first; clears the log. */
  const framesFor = (playerId: string): ServerMessage[] => {
    const out = sent
      .filter((s) => s.msg.type === 'deliver' && s.msg.playerIds.includes(playerId))
      .map((s) => parseServerMessage((s.msg as { frame: Uint8Array }).frame)!);
    return out;
  };
  return { sent, seats, ended, endReasons, requeued, events, framesFor, clear: () => (sent.length = 0) };
}

describe('Room', () => {
  it('seats players, sends each a snapshot, then only deltas', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    expect(room.join('a', 'gw1', 0)).toEqual({ ok: true, resumed: false });
    expect(room.join('b', 'gw2', 0)).toEqual({ ok: true, resumed: false });
    expect(r.seats).toEqual([
      ['a', 'r1'],
      ['b', 'r1'],
    ]);
    room.step(50);
    const first = r.framesFor('a');
    expect(first.map((m) => m.type)).toEqual(['joined']);
    expect(Object.keys((first[0] as { entities: object }).entities)).toContain('p:b');
    r.clear();

    room.input('a', 'gw1', 1, { mx: 1, my: 0 });
    room.step(100);
    const [delta] = r.framesFor('b');
    expect(delta).toMatchObject({ type: 'state', tick: 2, acks: { a: 1 } });
    expect(Object.keys((delta as { changed: object }).changed)).toEqual(['p:a']);
    // one frame per gateway, not per player
    expect(r.sent.filter((s) => s.msg.type === 'deliver')).toHaveLength(2);
  });

  it('ignores inputs from a gateway that does not hold the seat, and stale sequence numbers', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    room.join('a', 'gw1', 0);
    room.step(50);
    room.input('a', 'gw-other', 1, { mx: 1, my: 0 });
    room.step(100);
    expect((room.checkpoint().state as { players: { a: { dx: number } } }).players.a.dx).toBe(0);
    room.input('a', 'gw1', 5, { mx: 1, my: 0 });
    room.input('a', 'gw1', 3, { mx: -1, my: 0 });
    room.step(150);
    expect((room.checkpoint().state as { players: { a: { dx: number } } }).players.a.dx).toBe(1);
  });

  it('answers invalid input with bad_input and does not apply it', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    room.join('a', 'gw1', 0);
    room.step(50);
    r.clear();
    const playerA = () => (room.checkpoint().state as { players: Record<string, unknown> }).players.a;
    const before = structuredClone(playerA());
    room.input('a', 'gw1', 1, { mx: 50, my: 0 });
    room.step(100);
    expect(r.framesFor('a')).toContainEqual(expect.objectContaining({ type: 'error', code: 'bad_input' }));
    // Not applied: the player's state (position, direction) is what it was.
    expect(playerA()).toEqual(before);
    // A valid input afterwards is applied, so the check above can see a change.
    room.input('a', 'gw1', 2, { mx: 1, my: 0 });
    room.step(150);
    expect(playerA()).toMatchObject({ dx: 1 });
  });

  it('holds a disconnected seat for the grace period, resumes it, then drops it after expiry', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    room.join('a', 'gw1', 0);
    room.step(50);
    room.disconnect('a', 'gw1', 100);
    room.step(900);
    expect(room.hasSeat('a')).toBe(true);
    expect(room.join('a', 'gw2', 950)).toEqual({ ok: true, resumed: true });
    room.step(1000);
    expect(r.framesFor('a').at(-1)).toMatchObject({ type: 'joined', resumed: true });

    room.disconnect('a', 'gw2', 1000);
    room.step(2001);
    expect(room.hasSeat('a')).toBe(false);
    expect(r.seats.at(-1)).toEqual(['a', null]);
  });

  it('tells the old gateway when a player takes their seat from another gateway', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    room.join('a', 'gw1', 0);
    room.join('a', 'gw2', 10);
    expect(r.sent).toContainEqual({
      gatewayId: 'gw1',
      msg: { type: 'unseated', roomId: 'r1', playerId: 'a', reason: 'superseded' },
    });
  });

  it('refuses a player when full', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    for (let i = 0; i < arenaGame.maxPlayers; i++) room.join(`p${i}`, 'gw', 0);
    expect(room.join('late', 'gw', 0)).toMatchObject({ ok: false, code: 'room_full' });
  });

  it('restores from a checkpoint and continues exactly as the original would', () => {
    const a = recorder();
    const original = Room.create('r1', arenaGame, settings, a.events, 3, 0);
    for (let t = 1; t <= 30; t++) original.step(t * 50);
    const cp = structuredClone(original.checkpoint());
    const restored = Room.restore(cp, arenaGame, settings, recorder().events, 1_500);
    for (let t = 31; t <= 60; t++) {
      original.step(t * 50);
      restored.step(t * 50);
    }
    expect(restored.tick).toBe(original.tick);
    expect(restored.checkpoint().state).toEqual(original.checkpoint().state);
    expect(restored.checkpoint().rng).toBe(original.checkpoint().rng);
  });

  it('ends with a result when the game says so, unseating everyone', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0);
    room.join('a', 'gw1', 0);
    room.step(50);
    (room.checkpoint().state as { players: { a: { score: number } } }).players.a.score = 100;
    room.step(100);
    expect(room.ended).toBe(true);
    expect(r.ended[0]).toMatchObject({ roomId: 'r1', game: 'arena', reason: 'score', winner: 'a' });
    expect(r.framesFor('a').at(-1)).toMatchObject({ type: 'ended' });
    expect(r.sent).toContainEqual({
      gatewayId: 'gw1',
      msg: { type: 'unseated', roomId: 'r1', playerId: 'a', reason: 'ended' },
    });
  });

  it('closes without a result when nobody has been there for the idle time', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 2, 0);
    room.step(1_000);
    expect(room.ended).toBe(false);
    room.step(6_000);
    expect(r.ended).toEqual([null]);
  });
});

describe('Room with a matchmaking roster', () => {
  const roster = (noShow: 'continue' | 'requeue') => ({
    matchId: 'm1',
    game: 'arena',
    queue: 'duo.eu',
    teams: [
      ['a', 'b'],
      ['c', 'd'],
    ],
    tickets: [
      { id: 't1', players: ['a', 'b'], enqueuedAt: 11 },
      { id: 't2', players: ['c'], enqueuedAt: 12 },
      { id: 't3', players: ['d'], enqueuedAt: 13 },
    ],
    joinDeadlineAt: 1_000,
    noShow,
  });

  it('admits rostered players only, and no bots', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 3, 0, roster('requeue'));
    expect(room.join('a', 'gw', 0)).toEqual({ ok: true, resumed: false });
    expect(room.join('stranger', 'gw', 0)).toMatchObject({ ok: false, code: 'not_in_roster' });
    expect(room.humanCount).toBe(1);
    expect(room.checkpoint().seats.map((s) => s.playerId)).toEqual(['a']);
  });

  it('requeue: at the deadline, ends and re-queues those who came, keeping parties and priority', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0, roster('requeue'));
    room.join('a', 'gw', 0);
    room.join('b', 'gw', 0);
    room.join('c', 'gw', 0);
    room.step(999);
    expect(room.ended).toBe(false);
    room.step(1_000);
    expect(room.ended).toBe(true);
    expect(r.endReasons).toEqual(['no_show']);
    expect(r.requeued).toEqual([
      {
        queue: 'duo.eu',
        tickets: [
          { players: ['a', 'b'], enqueuedAt: 11 },
          { players: ['c'], enqueuedAt: 12 },
        ],
        game: 'arena', // they queue again by their rating in the mode's game
      },
    ]);
  });

  it('continue: drops no-shows and plays on with the rest; the result names the match', () => {
    const r = recorder();
    const room = Room.create('r1', arenaGame, settings, r.events, 0, 0, roster('continue'));
    room.join('a', 'gw', 0);
    room.join('c', 'gw', 0);
    room.step(1_000);
    expect(room.ended).toBe(false);
    expect(room.join('d', 'gw', 1_050)).toMatchObject({ ok: false, code: 'room_ended' });
    (room.checkpoint().state as { players: { a: { score: number } } }).players.a.score = 100;
    room.step(1_100);
    expect(r.ended[0]).toMatchObject({ matchId: 'm1', queue: 'duo.eu', teams: [['a'], ['c']], winner: 'a' });
  });
});
