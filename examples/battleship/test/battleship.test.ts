import { describe, expect, it } from 'vitest';
import { createTestRoom, OptionsRefusedError } from 'arena/testing';
import {
  battleship,
  parseBattleshipOptions,
  shotFromView,
  shipCells,
  type BattleshipState,
  type Shot,
} from '../src/index.js';

const small = { size: 6, ships: [3, 2], turnSeconds: 5, forfeitAfterMissedTurns: 2 };

function startedRoom(options: unknown = small, seed = 1) {
  const room = createTestRoom(battleship, { options, seed });
  room.join('ann');
  room.join('bob');
  return room;
}

/** Every cell of `owner`'s ships, as "x,y". */
function fleetCells(state: BattleshipState, owner: string): string[] {
  return state.boards[owner]!.ships.flatMap((s) => shipCells(s).map((c) => `${c.x},${c.y}`));
}

/** Cells of `owner`'s board that hold no ship. */
function waterCells(state: BattleshipState, owner: string): Shot[] {
  const ships = new Set(fleetCells(state, owner));
  const out: Shot[] = [];
  for (let y = 0; y < state.options.size; y++)
    for (let x = 0; x < state.options.size; x++) if (!ships.has(`${x},${y}`)) out.push({ x, y });
  return out;
}

function shoot(room: ReturnType<typeof startedRoom>, player: string, shot: Shot) {
  expect(room.input(player, shot)).toBe(true);
  room.tickN();
}

describe('battleship options', () => {
  it('takes the classic defaults and accepts valid options', () => {
    expect(parseBattleshipOptions(undefined)).toEqual({
      size: 10,
      ships: [5, 4, 3, 3, 2],
      turnSeconds: 30,
      forfeitAfterMissedTurns: 3,
    });
    expect(parseBattleshipOptions({ size: 8 })).toMatchObject({ size: 8, ships: [5, 4, 3, 3, 2] });
    expect(parseBattleshipOptions({ size: 6 })).toBe(
      'the ships cover 17 cells; a 6x6 board allows at most 14',
    );
    expect(parseBattleshipOptions(small)).toEqual(small);
  });

  it.each([
    [[], 'options must be an object'],
    [{ size: 4 }, 'size must be an integer from 5 to 12'],
    [{ size: 10.5 }, 'size must be an integer'],
    [{ ships: [] }, 'ships must be a list of 1 to 10'],
    [{ ships: [11] }, 'every ship length must be an integer from 1 to 10'],
    [{ size: 5, ships: [5, 5, 5] }, 'the ships cover 15 cells; a 5x5 board allows at most 10'],
    [{ turnSeconds: 0 }, 'turnSeconds must be an integer from 2 to 120'],
    [{ forfeitAfterMissedTurns: 99 }, 'forfeitAfterMissedTurns must be an integer from 1 to 10'],
    [{ cheat: true }, 'unknown option "cheat"'],
  ])('refuses %j with a reason', (raw, reason) => {
    expect(parseBattleshipOptions(raw)).toEqual(expect.stringContaining(reason));
    expect(() => createTestRoom(battleship, { options: raw })).toThrow(OptionsRefusedError);
  });
});

describe('battleship joins', () => {
  it('starts when the second player joins: both hear match_started, the first gets your_turn', () => {
    const room = startedRoom();
    expect(room.state.phase).toBe('playing');
    expect(room.messages('ann').map((m) => m.type)).toEqual(['match_started', 'your_turn']);
    expect(room.messages('bob').map((m) => m.type)).toEqual(['match_started']);
  });

  it('refuses a third player and anyone once the match has started', () => {
    const room = startedRoom();
    expect(room.join('cat')).toMatchObject({ ok: false, code: 'room_full' });
    room.leave('bob');
    expect(room.join('cat')).toEqual({
      ok: false,
      code: 'join_refused',
      reason: 'the match has already started',
    });
  });

  it('frees the seat of a player who leaves before the match starts', () => {
    const room = createTestRoom(battleship, { options: small });
    room.join('ann');
    room.leave('ann');
    expect(room.join('bob')).toEqual({ ok: true });
    expect(room.state.players).toEqual(['bob']);
    expect(room.state.boards).not.toHaveProperty('ann');
  });
});

describe('battleship hidden information', () => {
  it("shows a player their own ships and never the opponent's until sunk or the end", () => {
    const room = startedRoom();
    const annView = room.view('ann');
    const shipsIn = (view: ReturnType<typeof room.view>, owner: string) =>
      Object.values(view).filter((e) => e.k === 'ship' && e.owner === owner);
    expect(shipsIn(annView, 'ann')).toHaveLength(2);
    expect(shipsIn(annView, 'bob')).toHaveLength(0);
    expect(shipsIn(room.view('spectator'), 'ann')).toHaveLength(0);

    // Sink bob's 2-cell ship: it becomes visible to ann, his 3-cell ship stays hidden.
    const bobShips = room.state.boards.bob!.ships;
    const two = bobShips.find((s) => s.len === 2)!;
    const [first, second] = shipCells(two);
    const annWater = waterCells(room.state, 'ann');
    shoot(room, 'ann', first!);
    shoot(room, 'bob', annWater[0]!);
    expect(shipsIn(room.view('ann'), 'bob')).toHaveLength(0);
    shoot(room, 'ann', second!);
    expect(shipsIn(room.view('ann'), 'bob')).toEqual([expect.objectContaining({ len: 2, sunk: true })]);
  });

  it('shows every shot on both boards to both players, hits and misses', () => {
    const room = startedRoom();
    const miss = waterCells(room.state, 'bob')[0]!;
    shoot(room, 'ann', miss);
    const shot = { k: 'shot', owner: 'bob', x: miss.x, y: miss.y, hit: false };
    expect(room.view('ann')[`x:bob:${miss.x}:${miss.y}`]).toEqual(shot);
    expect(room.view('bob')[`x:bob:${miss.x}:${miss.y}`]).toEqual(shot);
  });
});

describe('battleship hidden information over whole matches', () => {
  /** Cells of `owner`'s ships not sunk yet, as "x,y": what the opponent must not learn. */
  const hiddenCells = (state: BattleshipState, owner: string) =>
    new Set(
      state.boards[owner]!.ships.filter((s) => s.hits < s.len).flatMap((s) =>
        shipCells(s).map((c) => `${c.x},${c.y}`),
      ),
    );
  /** Every (x, y) pair a value mentions, however nested, as "x,y". */
  const cellsIn = (value: unknown, out = new Set<string>()): Set<string> => {
    if (typeof value !== 'object' || value === null) return out;
    const o = value as Record<string, unknown>;
    if (typeof o.x === 'number' && typeof o.y === 'number') out.add(`${o.x},${o.y}`);
    for (const v of Object.values(o)) cellsIn(v, out);
    return out;
  };

  it.each([11, 12, 13])(
    "no view or message to a player ever names a cell of the enemy's unsunk ships it has not hit (seed %i)",
    (seed) => {
      const room = createTestRoom(battleship, { seed });
      room.join('ann');
      room.addBot('bot');
      const annFired = new Set<string>();
      let x = 0;
      let y = 0;
      while (!room.ended && room.tick < 2_000) {
        const hidden = hiddenCells(room.state, 'bot');
        for (const c of annFired) hidden.delete(c); // ann's own shots are hers to know
        // What ann learns about the bot's board: entities on it, and every message except
        // `incoming` (those name cells of her own board, where the bot fired).
        const seen = cellsIn(Object.values(room.view('ann')).filter((e) => e.owner === 'bot'));
        for (const m of room.takeMessages('ann')) if (m.type !== 'incoming') cellsIn(m.data, seen);
        const leaked = [...seen].filter((c) => hidden.has(c));
        expect(leaked, `tick ${room.tick}`).toEqual([]);
        if (room.state.turn === 'ann') {
          room.input('ann', { x, y });
          annFired.add(`${x},${y}`);
          x = (x + 1) % 10;
          if (x === 0) y++;
        }
        room.tickN();
      }
      expect(room.ended).toBe(true);
      // At the end the whole fleet is revealed: the check above would have caught it earlier.
      const bobShips = Object.values(room.view('ann')).filter((e) => e.k === 'ship' && e.owner === 'bot');
      expect(bobShips).toHaveLength(5);
    },
  );
});

describe('battleship turns', () => {
  it('answers the shooter and the target, emits shot events and passes the turn', () => {
    const room = startedRoom();
    room.takeMessages('ann');
    room.takeMessages('bob');
    const target = shipCells(room.state.boards.bob!.ships[0]!)[0]!;
    shoot(room, 'ann', target);
    expect(room.takeMessages('ann')).toEqual([
      { type: 'shot_result', data: { ...target, hit: true, sunk: null }, tick: 1 },
    ]);
    expect(room.takeMessages('bob')).toEqual([
      { type: 'incoming', data: { ...target, hit: true, sunk: null }, tick: 1 },
      { type: 'your_turn', data: { turnSeconds: 5, turnEndsAtMs: 5000 }, tick: 1 },
    ]);
    expect(room.events).toEqual([
      { name: 'shot', data: { by: 'ann', at: 'bob', ...target, hit: true }, tick: 1 },
    ]);
    expect(room.state.turn).toBe('bob');
  });

  it('tells a player who shoots out of turn, off the board or twice at one cell, and keeps the turn', () => {
    const room = startedRoom();
    room.takeMessages('ann');
    room.takeMessages('bob');
    shoot(room, 'bob', { x: 0, y: 0 });
    expect(room.takeMessages('bob')).toEqual([{ type: 'not_your_turn', data: { turn: 'ann' }, tick: 1 }]);
    shoot(room, 'ann', { x: 6, y: 0 });
    expect(room.takeMessages('ann')).toMatchObject([{ type: 'invalid_shot', data: { reason: 'off_board' } }]);
    const water = waterCells(room.state, 'bob')[0]!;
    shoot(room, 'ann', water);
    shoot(room, 'bob', waterCells(room.state, 'ann')[0]!);
    room.takeMessages('ann');
    shoot(room, 'ann', water);
    expect(room.takeMessages('ann')).toMatchObject([
      { type: 'invalid_shot', data: { reason: 'already_fired' } },
    ]);
    expect(room.state.turn).toBe('ann');
    expect(room.eventsNamed('shot')).toHaveLength(2);
  });

  it('rejects malformed shots before they reach the game', () => {
    const room = startedRoom();
    for (const raw of [null, 'a1', [1, 2], { x: -1, y: 0 }, { x: 0.5, y: 1 }, { x: 12, y: 0 }, { x: 1 }])
      expect(room.input('ann', raw)).toBe(false);
  });

  it('passes a turn that runs out, and forfeits after the missed turns in a row', () => {
    const room = startedRoom();
    expect(room.tickMs).toBe(500); // tickRate 2
    room.advance(4_500);
    expect(room.state.turn).toBe('ann');
    room.tickN();
    expect(room.state.turn).toBe('bob');
    expect(room.messages('ann').map((m) => m.type)).toContain('turn_missed');
    expect(room.eventsNamed('turn_missed')).toEqual([
      { name: 'turn_missed', data: { player: 'ann', inARow: 1 }, tick: 10 },
    ]);
    shoot(room, 'bob', waterCells(room.state, 'ann')[0]!);
    room.advance(5_000); // ann misses again: the second in a row forfeits
    expect(room.result).toEqual({
      winner: 'bob',
      reason: 'forfeit',
      players: { ann: { placement: 2, score: 0 }, bob: { placement: 1, score: 0 } },
      data: { shots: 1 },
    });
    expect(room.eventsNamed('forfeit')).toHaveLength(1);
  });

  it('resets the missed-turn count when the player shoots', () => {
    const room = startedRoom({ ...small, forfeitAfterMissedTurns: 2 });
    room.advance(5_000); // ann misses once
    shoot(room, 'bob', waterCells(room.state, 'ann')[0]!);
    shoot(room, 'ann', waterCells(room.state, 'bob')[0]!);
    expect(room.state.stats.ann!.missedTurns).toBe(0);
    room.advance(5_000); // bob misses once
    room.advance(5_000); // ann misses once: not two in a row
    expect(room.ended).toBe(false);
  });

  it('re-sends your_turn to a player who reconnects on their turn, and tells the opponent', () => {
    const room = startedRoom();
    room.disconnect('ann');
    expect(room.messages('bob').map((m) => m.type)).toContain('opponent_disconnected');
    room.takeMessages('ann');
    room.reconnect('ann');
    expect(room.takeMessages('ann').map((m) => m.type)).toEqual(['your_turn']);
    expect(room.messages('bob').map((m) => m.type)).toContain('opponent_back');
  });
});

describe('battleship endings', () => {
  it('ends when a fleet is sunk: placement, hits as score, ship_sunk events, all ships revealed', () => {
    const room = startedRoom();
    const targets = fleetCells(room.state, 'bob').map((c) => {
      const [x, y] = c.split(',').map(Number);
      return { x: x!, y: y! };
    });
    const annWater = waterCells(room.state, 'ann');
    targets.forEach((t, i) => {
      shoot(room, 'ann', t);
      if (i < targets.length - 1) shoot(room, 'bob', annWater[i]!);
    });
    expect(room.result).toMatchObject({
      winner: 'ann',
      reason: 'fleet_sunk',
      players: { ann: { placement: 1, score: 5 }, bob: { placement: 2, score: 0 } },
    });
    expect(room.eventsNamed('ship_sunk').map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { by: 'ann', owner: 'bob', length: 3 },
        { by: 'ann', owner: 'bob', length: 2 },
      ]),
    );
    expect(room.messages('bob').at(-1)).toMatchObject({ type: 'game_over', data: { winner: 'ann' } });
    const bobsShipsSeenByAnn = Object.values(room.view('ann')).filter(
      (e) => e.k === 'ship' && e.owner === 'bob',
    );
    expect(bobsShipsSeenByAnn).toHaveLength(2);
    const annsShipsSeenByBob = Object.values(room.view('bob')).filter(
      (e) => e.k === 'ship' && e.owner === 'ann',
    );
    expect(annsShipsSeenByBob).toEqual(expect.arrayContaining([expect.objectContaining({ sunk: false })]));
  });

  it('gives the match to the player who stays when the other leaves mid-match', () => {
    const room = startedRoom();
    room.leave('ann');
    room.tickN();
    expect(room.result).toMatchObject({ winner: 'bob', reason: 'abandoned' });
  });
});

describe('battleship bots', () => {
  it.each([1, 2, 3, 4, 5])('two bots play a classic match to the end (seed %i)', (seed) => {
    const room = createTestRoom(battleship, { seed });
    room.addBot('bot-1');
    room.addBot('bot-2');
    const result = room.runToEnd(400);
    expect(result.reason).toBe('fleet_sunk');
    expect(['bot-1', 'bot-2']).toContain(result.winner);
    // Hunt and target beats random fire: a 17-cell fleet on 100 cells falls in well under 100 shots.
    const winnerShots = room.state.stats[result.winner!]!.fired;
    expect(winnerShots).toBeLessThan(90);
    expect(room.eventsNamed('ship_sunk').filter((e) => e.data.by === result.winner)).toHaveLength(5);
  });

  it('a bot plays against a human and never fires out of turn or twice at a cell', () => {
    const room = createTestRoom(battleship, { options: small, seed: 9 });
    room.join('ann');
    room.addBot('bot-1');
    const annWater = waterCells(room.state, 'ann');
    for (let i = 0; i < 10 && !room.ended; i++) {
      shoot(room, 'ann', waterCells(room.state, 'bot-1')[i]!);
      room.tickN();
    }
    const botShots = room.state.boards.ann!.shots;
    expect(new Set(botShots.map((s) => `${s.x},${s.y}`)).size).toBe(botShots.length);
    expect(botShots.length).toBeGreaterThan(0);
    expect(room.messages('ann').filter((m) => m.type === 'incoming')).toHaveLength(botShots.length);
    expect(annWater.length).toBeGreaterThan(0);
  });

  it.each([21, 22])('players driven only by their own views play a match to the end (seed %i)', (seed) => {
    const room = createTestRoom(battleship, { seed });
    room.join('ann');
    room.join('bob');
    let r = seed;
    const random = () => (r = (r * 16807) % 2147483647) / 2147483647;
    while (!room.ended && room.tick < 1_000) {
      for (const p of ['ann', 'bob']) {
        const shot = shotFromView(room.view(p), p, random);
        if (shot) room.input(p, shot);
      }
      room.tickN();
    }
    expect(room.result).toMatchObject({ reason: 'fleet_sunk' });
    for (const p of ['ann', 'bob']) {
      const types = room.messages(p).map((m) => m.type);
      expect(types).not.toContain('invalid_shot');
      expect(types).not.toContain('not_your_turn');
      expect(types).not.toContain('turn_missed');
    }
    expect(room.state.stats[room.result!.winner!]!.fired).toBeLessThan(90);
  });

  it("a view gives no shot when it is not that player's turn, or the match is not on", () => {
    const room = createTestRoom(battleship, { options: small });
    room.join('ann');
    expect(shotFromView(room.view('ann'), 'ann', Math.random)).toBeUndefined();
    room.join('bob');
    expect(shotFromView(room.view('bob'), 'bob', Math.random)).toBeUndefined();
    expect(shotFromView(room.view('ann'), 'ann', Math.random)).toMatchObject({ x: expect.any(Number) });
  });
});
