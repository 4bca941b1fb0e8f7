import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArenaInput } from '../../../apps/room-server/games/arena/input.js';
import { decideInput } from '../../../loadtest/brains/reference-brain.js';
import type { Entity } from '../../../shared/protocol/index.js';

const still = () => 0.5; // no steering noise
const world = (entries: [string, Entity][]) => new Map(entries);

describe('bot brain (plausible play of the reference game)', () => {
  it('runs for the nearest pickup', () => {
    const input = decideInput(
      world([
        ['p:me', { k: 'p', x: 100, y: 100 }],
        ['k:1', { k: 'k', x: 400, y: 100 }],
        ['k:2', { k: 'k', x: 100, y: 50 }],
      ]),
      'me',
      still,
    );
    expect(input).toEqual({ mx: 0, my: -1, tag: false });
  });

  it('chases an opponent much closer than any pickup, and tags within reach', () => {
    const input = decideInput(
      world([
        ['p:me', { k: 'p', x: 100, y: 100 }],
        ['p:other', { k: 'p', x: 130, y: 100 }],
        ['k:1', { k: 'k', x: 700, y: 500 }],
      ]),
      'me',
      still,
    );
    expect(input).toEqual({ mx: 1, my: 0, tag: true });
  });

  it('stands still until it sees itself', () => {
    expect(decideInput(world([['k:1', { k: 'k', x: 1, y: 1 }]]), 'me', still)).toEqual({
      mx: 0,
      my: 0,
      tag: false,
    });
  });

  it('only ever sends what the server accepts as an input', () => {
    const point = fc.record({ x: fc.double({ min: 0, max: 800 }), y: fc.double({ min: 0, max: 600 }) });
    fc.assert(
      fc.property(
        point,
        fc.array(point, { maxLength: 8 }),
        fc.array(point, { maxLength: 5 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (me, others, pickups, r) => {
          const entities = world([
            ['p:me', { k: 'p', ...me }],
            ...others.map((p, i): [string, Entity] => [`p:o${i}`, { k: 'p', ...p }]),
            ...pickups.map((p, i): [string, Entity] => [`k:${i}`, { k: 'k', ...p }]),
          ]);
          const input = decideInput(entities, 'me', () => r);
          expect(parseArenaInput(input)).toBeDefined();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
