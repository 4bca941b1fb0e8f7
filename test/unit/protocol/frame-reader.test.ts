import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameReader, lengthPrefix } from '../../../shared/link/frame-reader.js';

describe('FrameReader', () => {
  it('reassembles frames however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }),
        (frames, cuts) => {
          const stream = Buffer.concat(frames.map((f) => lengthPrefix(f)));
          const out: number[][] = [];
          const reader = new FrameReader(
            1024,
            (f) => out.push([...f]),
            () => expect.fail('no error expected'),
          );
          let pos = 0;
          for (let i = 0; pos < stream.length; i++) {
            const size = cuts[i % cuts.length]!;
            reader.push(stream.subarray(pos, pos + size));
            pos += size;
          }
          expect(out).toEqual(frames.map((f) => [...f]));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reports a frame over the limit and stops reading', () => {
    const errors: string[] = [];
    const frames: Buffer[] = [];
    const reader = new FrameReader(
      16,
      (f) => frames.push(f),
      (e) => errors.push(e),
    );
    reader.push(lengthPrefix(new Uint8Array(17)));
    reader.push(lengthPrefix(new Uint8Array(3)));
    expect(errors).toEqual(['frame of 17 bytes exceeds the limit of 16']);
    expect(frames).toEqual([]);
  });
});
