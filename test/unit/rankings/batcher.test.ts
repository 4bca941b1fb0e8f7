import { describe, expect, it } from 'vitest';
import { Batcher } from '../../../shared/rankings/batcher.js';

/** A batcher whose calls are recorded and answer each item doubled (or fail for key "bad"). */
function recording(maxItems: number) {
  const calls: { key: string; items: number[] }[] = [];
  const batcher = new Batcher<number, number>((key, items) => {
    calls.push({ key, items });
    if (key === 'bad') return Promise.reject(new Error('redis said no'));
    return Promise.resolve(items.map((n) => n * 2));
  }, maxItems);
  return { calls, batcher };
}

describe('Batcher', () => {
  it('sends the items added in one turn as one call per key, answering each caller its own result', async () => {
    const { calls, batcher } = recording(10);
    const answers = await Promise.all([batcher.add('a', 1), batcher.add('b', 2), batcher.add('a', 3)]);
    expect(answers).toEqual([2, 4, 6]);
    expect(calls).toEqual([
      { key: 'a', items: [1, 3] },
      { key: 'b', items: [2] },
    ]);
  });

  it('splits a turn into calls of at most maxItems, in order', async () => {
    const { calls, batcher } = recording(2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add('k', n)))).toEqual([2, 4, 6, 8, 10]);
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('sends an item added after a call went out in a later call', async () => {
    const { calls, batcher } = recording(10);
    const first = batcher.add('k', 1);
    await first;
    expect(await batcher.add('k', 2)).toBe(4);
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
  });

  it('fails every item of a failed call with its error, and only those', async () => {
    const { batcher } = recording(10);
    const results = await Promise.allSettled([
      batcher.add('bad', 1),
      batcher.add('bad', 2),
      batcher.add('ok', 3),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'redis said no' });
  });

  it('fails the items of a call whose send throws instead of returning a promise', async () => {
    const batcher = new Batcher<number, number>(() => {
      throw new Error('thrown');
    }, 10);
    await expect(batcher.add('k', 1)).rejects.toThrow('thrown');
  });
});
