import { createTestRoom } from 'arena/testing';
import { describe, expect, it } from 'vitest';
import { battleship } from '../../../examples/battleship/src/index.js';
import { battleshipBrain } from '../../../loadtest/brains/battleship-brain.js';
import { brainFor, DEFAULT_GAME } from '../../../loadtest/brains/index.js';
import { referenceBrain } from '../../../loadtest/brains/reference-brain.js';
import { seededRandom } from '../../../testing/seeded-random.js';

const viewOf = (
  room: { view(id: string): Record<string, Record<string, number | string | boolean>> },
  id: string,
) => new Map(Object.entries(room.view(id)));

describe('swarm brains by game', () => {
  it('plays each game with its own brain, the reference game by default', () => {
    expect(DEFAULT_GAME).toBe('arena');
    expect(brainFor('arena')).toBe(referenceBrain);
    expect(brainFor('arena-sprint')).toBe(referenceBrain);
    expect(brainFor('battleship')).toBe(battleshipBrain);
    expect(brainFor('poker')).toBeUndefined();
    expect(brainFor('toString')).toBeUndefined();
  });
});

describe('battleship brain (a swarm bot from what its player sees)', () => {
  it.each([1, 2, 3, 4, 5])(
    'two brains play a whole match from their views only, one shot per turn, and sink a fleet (seed %i)',
    (seed) => {
      const room = createTestRoom(battleship, { seed });
      const players = ['ann', 'bob'];
      for (const p of players) room.join(p);
      const brains = Object.fromEntries(
        players.map((p, i) => [p, battleshipBrain(seededRandom(seed * 10 + i))]),
      );
      const faults: string[] = [];
      let shots = 0;
      for (let turn = 0; turn < 400 && !room.ended; turn++) {
        for (const p of players) {
          for (const m of room.takeMessages(p)) {
            const fault = brains[p]!.onMessage!(m.type, m.data);
            if (fault) faults.push(`${p}: ${fault}`);
          }
          const input = brains[p]!.decide(viewOf(room, p), p);
          if (input === undefined) continue;
          expect(room.input(p, input)).toBe(true);
          shots++;
          // Until the next tick applies it, the view still shows this turn: no second shot.
          expect(brains[p]!.decide(viewOf(room, p), p)).toBeUndefined();
        }
        room.tickN();
      }
      expect(faults).toEqual([]);
      expect(room.result).toMatchObject({ reason: 'fleet_sunk' });
      expect(room.result!.data).toEqual({ shots });
      expect(shots).toBeLessThan(200); // a 10x10 board each: hunting and targeting, not every cell
    },
  );

  it('sends nothing when it is not its turn, and counts refused shots and missed turns as faults', () => {
    const room = createTestRoom(battleship, { seed: 1 });
    room.join('ann');
    room.join('bob');
    const brain = battleshipBrain(seededRandom(7));
    expect(brain.decide(viewOf(room, 'bob'), 'bob')).toBeUndefined(); // ann shoots first
    expect(brain.onMessage!('invalid_shot', {})).toBe('invalid_shot');
    expect(brain.onMessage!('not_your_turn', {})).toBe('not_your_turn');
    expect(brain.onMessage!('turn_missed', {})).toBe('turn_missed');
    expect(brain.onMessage!('your_turn', {})).toBeUndefined();
    expect(brain.onMessage!('shot_result', {})).toBeUndefined();
  });
});
