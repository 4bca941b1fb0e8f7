import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MatchStore } from '../../apps/matchmaker/match-store.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { Ticket } from '../../shared/matchmaking/types.js';
import { testConfig, uniqueName } from '../helpers/services.js';

const config = testConfig();
const redis = new Redis(config.redis.url);
afterAll(() => redis.disconnect());

async function setUp() {
  const keys = matchmakingKeys(`${uniqueName('match-store')}:`);
  const tickets = new TicketStore(redis, keys);
  const store = new MatchStore(redis, keys);
  const queue = 'duel.eu';
  const queued: Ticket[] = [];
  for (const [i, rating] of [1500, 1510, 1600, 1610].entries()) {
    const r = await tickets.enqueue(queue, [`p${i}`], rating, 1_000 + i);
    if (!r.ok) throw new Error(r.message);
    queued.push(r.ticket);
  }
  return { keys, store, queue, queued };
}

describe('MatchStore against real Redis', () => {
  it('claims a pass’s matches in one call: a ticket taken by another matchmaker fails only its own match', async () => {
    const { keys, store, queue, queued } = await setUp();
    const [a, b, c, d] = queued as [Ticket, Ticket, Ticket, Ticket];
    // Another matchmaker takes c first.
    expect(await store.claimMatches(queue, 'other:1', 10_000, [[c]])).toEqual([true]);

    expect(
      await store.claimMatches(queue, 'me:1', 10_000, [
        [a, b],
        [c, d],
      ]),
    ).toEqual([true, false]);
    expect(await redis.hmget(keys.claims(queue), a.id, b.id, c.id, d.id)).toEqual([
      'me:1',
      'me:1',
      'other:1',
      null,
    ]);
    // d stays waiting, with its player still queued; a and b's players are being matched.
    expect(await redis.zscore(keys.pool(queue), d.id)).toBe('1610');
    expect(await redis.hget(keys.player('p3'), 'state')).toBe('queued');
    expect(await redis.hget(keys.player('p0'), 'state')).toBe('claimed');
    expect(await store.oldest(queue, 10)).toEqual([d]);
  });

  it('puts the tickets of a released claim back with their priority, and the claim can be made again', async () => {
    const { store, queue, queued } = await setUp();
    expect(await store.claimMatches(queue, 'me:1', 10_000, [queued.slice(0, 2)])).toEqual([true]);
    expect(await store.release(queue, 'me:1', queued.slice(0, 2))).toBe(2);
    expect((await store.oldest(queue, 10)).map((t) => t.id)).toEqual(queued.map((t) => t.id));
    expect(await store.claimMatches(queue, 'me:2', 10_000, [queued.slice(0, 2)])).toEqual([true]);
  });

  it('keeps working after Redis forgets its scripts (SCRIPT FLUSH): the body is sent again', async () => {
    const { keys, store, queue, queued } = await setUp();
    expect(await store.oldest(queue, 1)).toEqual([queued[0]]);
    await redis.script('FLUSH');
    expect(await store.oldest(queue, 1)).toEqual([queued[0]]);
    const tickets = queued.slice(0, 2);
    expect(await store.claimMatches(queue, 'me:1', 10_000, [tickets])).toEqual([true]);
    // In a pipeline too (the matchmaker finalizes a pass's matches in one).
    await redis.script('FLUSH');
    const pipeline = store.pipeline();
    store.queueFinalize(
      pipeline,
      'me:1',
      [
        {
          matchId: 'm1',
          queue,
          roomId: 'm-m1',
          createdAt: 2_000,
          teams: [['p0'], ['p1']],
          tickets: tickets.map((t) => ({ ...t, waitMs: 1, windowAtMatch: 50 })),
        },
      ],
      60_000,
      60_000,
    );
    expect(await pipeline.exec()).toEqual([[null, [1]]]);
    expect(await redis.hget(keys.player('p0'), 'state')).toBe('matched');
  });
});
