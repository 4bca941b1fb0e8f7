import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import { rendezvousOwner } from '../../shared/hashing/rendezvous.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { metricSum } from '../helpers/redis-outage.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

const duel: ModeConfig = {
  teams: 2,
  teamSize: 1,
  window: { initial: 1_000, perSecond: 100, exponent: 1, max: 2_000 },
  maxWaitMs: 20_000,
  joinDeadlineMs: 10_000,
  noShow: 'requeue',
};

/** A room id that rendezvous hashing over {rs-a, rs-b} gives to `server`. */
function roomWonBy(server: string): string {
  for (;;) {
    const id = uniqueName('room');
    if (rendezvousOwner(id, ['rs-a', 'rs-b']) === server) return id;
  }
}

// rs-a holds at most one room; rs-b has room to spare.
let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 0,
    matchmakers: 1,
    env: { MATCHMAKER_MODES: JSON.stringify({ duel }), MATCHMAKER_REGIONS: 'eu' },
  });
  await Promise.all([
    cluster.startRoomServer('rs-a', { ROOM_MAX_ROOMS: '1' }),
    cluster.startRoomServer('rs-b'),
  ]);
}, 120_000);
afterAll(() => cluster?.stop(), 60_000);

describe('placement under ROOM_MAX_ROOMS (real room servers, gateway, matchmaker and Redis)', () => {
  it('a full rendezvous winner is skipped: the room goes to the next choice, players are not refused', async () => {
    const first = roomWonBy('rs-a');
    const a = await cluster.client([0]);
    await a.join(first);
    expect(await cluster.roomOwner(first)).toBe('rs-a');

    // rs-a is full now; rooms it would win go to rs-b instead of being refused.
    for (let i = 0; i < 3; i++) {
      const roomId = roomWonBy('rs-a');
      const p = await cluster.client([0]);
      await expect(p.join(roomId), `join ${roomId}`).resolves.toMatchObject({ roomId });
      expect(await cluster.roomOwner(roomId)).toBe('rs-b');
    }
    const rsA = cluster.roomServers.find((s) => s.name === 'rs-a')!;
    expect(await metricSum([rsA], 'arena_room_server_rooms')).toBe(1);
  }, 60_000);

  it('a matchmade match whose rendezvous winner is full is played on the next choice, not lost', async () => {
    // rs-a is still full from the first test (its room is held for the grace period at least).
    // Duels until one lands on a room rs-a would have won: about every second one does.
    let hitFullWinner = false;
    for (let i = 0; i < 10 && !hitFullWinner; i++) {
      const a = await cluster.client([0]);
      const b = await cluster.client([0]);
      const found = waitForClient(a, 'matchFound', (m) => m !== undefined, `duel ${i} matched`, 20_000);
      const joined = [a, b].map((c) =>
        waitForClient(c, 'joined', (j) => j !== undefined, `${c.playerId} joined duel ${i}`, 20_000),
      );
      a.queue('duel.eu');
      b.queue('duel.eu');
      const match = (await found)!;
      const [ja, jb] = await Promise.all(joined);
      expect(ja!.roomId).toBe(match.roomId);
      expect(jb!.roomId).toBe(match.roomId);
      if (rendezvousOwner(match.roomId, ['rs-a', 'rs-b']) === 'rs-a') {
        hitFullWinner = true;
        expect(await cluster.roomOwner(match.roomId)).toBe('rs-b');
      }
      a.close();
      b.close();
    }
    expect(hitFullWinner, 'a duel whose rendezvous winner was the full rs-a').toBe(true);
  }, 180_000);
});
