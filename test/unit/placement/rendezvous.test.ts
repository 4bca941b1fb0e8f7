import { describe, expect, it } from 'vitest';
import { rendezvousOwner } from '../../../shared/hashing/rendezvous.js';

const rooms = Array.from({ length: 10_000 }, (_, i) => `room-${i}`);
const owners = (servers: string[]) => new Map(rooms.map((r) => [r, rendezvousOwner(r, servers)!]));

describe('rendezvous hashing', () => {
  it('is deterministic and independent of server order', () => {
    expect(rendezvousOwner('room-7', ['a', 'b', 'c'])).toBe(rendezvousOwner('room-7', ['c', 'a', 'b']));
    expect(rendezvousOwner('room-7', [])).toBeUndefined();
  });

  it('spreads rooms evenly', () => {
    const counts = new Map<string, number>();
    for (const owner of owners(['rs-1', 'rs-2', 'rs-3', 'rs-4']).values())
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    for (const n of counts.values()) {
      expect(n / rooms.length).toBeGreaterThan(0.22);
      expect(n / rooms.length).toBeLessThan(0.28);
    }
  });

  it('moves only the dead server rooms when one leaves', () => {
    const before = owners(['rs-1', 'rs-2', 'rs-3', 'rs-4']);
    const after = owners(['rs-1', 'rs-2', 'rs-4']);
    for (const room of rooms) {
      if (before.get(room) !== 'rs-3') expect(after.get(room)).toBe(before.get(room));
      else expect(after.get(room)).not.toBe('rs-3');
    }
  });

  it('gives a joining server about 1/n of the rooms, taken from others without reshuffling', () => {
    const before = owners(['rs-1', 'rs-2', 'rs-3']);
    const after = owners(['rs-1', 'rs-2', 'rs-3', 'rs-4']);
    let moved = 0;
    for (const room of rooms) {
      if (after.get(room) !== before.get(room)) {
        moved++;
        expect(after.get(room)).toBe('rs-4');
      }
    }
    expect(moved / rooms.length).toBeGreaterThan(0.2);
    expect(moved / rooms.length).toBeLessThan(0.3);
  });
});
