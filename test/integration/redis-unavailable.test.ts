import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeRunDir } from '../../infra/local/paths.js';
import { startRedisNode, type LocalRedisNode } from '../../infra/local/redis-node.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { metricSum, queueUntilAnswered, track } from '../helpers/redis-outage.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

// A Redis of its own: this test freezes it (SIGSTOP), as a hung or unreachable Redis does.
const runDir = makeRunDir();
let redis: LocalRedisNode | undefined;
let cluster: ArenaCluster | undefined;
let timer: NodeJS.Timeout | undefined;
afterEach(async () => {
  clearInterval(timer);
  redis?.signal('SIGCONT');
  await cluster?.stop();
  await redis?.stop();
}, 60_000);
afterAll(() => rmSync(runDir, { recursive: true, force: true }));

describe('a Redis that does not answer (hung)', () => {
  it('answers queue, cancel and party requests with an error, ends a join with one after bounded retries, and counts it all', async () => {
    redis = await startRedisNode(runDir, { name: uniqueName('redis') });
    cluster = await ArenaCluster.start({
      gateways: 1,
      roomServers: 1,
      matchmakers: 1,
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: '500' },
    });
    const playing = track(await cluster.client([0]));
    await playing.client.join(uniqueName('room'));
    timer = setInterval(() => playing.client.sendInput({ mx: 0, my: 0 }), 100);
    const asker = await cluster.client([0]);
    const joiner = await cluster.client([0]);
    const errors: string[] = [];
    asker.on('error', (e) => errors.push(e.code));

    redis.signal('SIGSTOP');
    const tickAtHang = playing.tick;
    const refused = (n: number, what: string) =>
      waitForClient(asker, 'error', () => errors.length >= n, what, 10_000);
    asker.queue('duel.eu');
    await refused(1, 'queue refused');
    asker.cancelQueue();
    await refused(2, 'cancel refused');
    asker.acceptParty('someone-else');
    await refused(3, 'party acceptance refused');
    expect(errors).toEqual(['unavailable', 'unavailable', 'unavailable']);

    // A join retries placement a bounded number of times, then the player is told.
    await expect(joiner.join(uniqueName('room'))).rejects.toThrow(/room_unavailable/);
    // The room already running ticks on without Redis meanwhile.
    await waitForClient(playing.client, 'state', () => playing.tick > tickAtHang + 40, 'the room ticking on');

    const failures = (op: string) => metricSum(cluster!.gateways, 'arena_redis_failures_total', `op="${op}"`);
    expect(await failures('queue')).toBe(1);
    expect(await failures('cancel_queue')).toBe(1);
    expect(await failures('party_accept')).toBe(1);
    expect(await failures('placement')).toBeGreaterThanOrEqual(10);

    redis.signal('SIGCONT');
    await queueUntilAnswered(asker, 'duel.eu');
    const room = uniqueName('room');
    expect((await joiner.join(room)).roomId).toBe(room);
  }, 120_000);
});
