import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { metricSum } from '../helpers/redis-outage.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

// rs-a hosts only the built-in arena; rs-b only the test game "flaky" (loaded from ROOM_GAMES).
let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 0, env: { ROOM_MAX_RESTORES: '2' } });
  await Promise.all([
    cluster.startRoomServer('rs-a', { ROOM_GAMES: 'arena' }),
    cluster.startRoomServer('rs-b', { ROOM_GAMES: './test/fixtures/games/flaky-game.ts' }),
  ]);
}, 120_000);
afterAll(() => cluster?.stop(), 60_000);

describe('several games in one deployment (real room servers, gateway and Redis)', () => {
  it('a room server that does not host a game is never chosen for it', async () => {
    for (let i = 0; i < 6; i++) {
      const game = i % 2 === 0 ? 'arena' : 'flaky';
      const roomId = uniqueName(`room-${game}`);
      const p = await cluster.client([0]);
      await p.join(roomId, { bots: 0, game });
      expect(await cluster.roomOwner(roomId), `${roomId} (${game})`).toBe(game === 'arena' ? 'rs-a' : 'rs-b');
      p.close();
    }
  }, 60_000);

  it('a game that keeps throwing ends its room with a reason after ROOM_MAX_RESTORES; other rooms keep ticking', async () => {
    const calm = await cluster.client([0]);
    await calm.join(uniqueName('calm'), { bots: 0, game: 'flaky' });
    const doomed = await cluster.client([0]);
    const roomId = uniqueName('doomed');
    await doomed.join(roomId, { bots: 0, game: 'flaky' });
    // Every time the room is back (restored from its checkpoint), make it throw again.
    doomed.on('joined', () => doomed.sendInput({ boom: true }));
    const left = waitForClient(doomed, 'left', (l) => l !== undefined, 'the doomed room ended', 30_000);
    doomed.sendInput({ boom: true });
    const { reason } = (await left)!;
    expect(reason).toMatch(/^game_error: flaky failed 3 times \(restored 2 times\)/);

    const rsB = cluster.roomServers.find((s) => s.name === 'rs-b')!;
    expect(await metricSum([rsB], 'arena_room_server_room_errors_total')).toBe(3);
    // The calm room kept ticking through all of it, and still does.
    const ticks = () => Number(calm.entities.get('t')?.n ?? 0);
    const before = ticks();
    await waitForClient(calm, 'state', () => ticks() >= before + 10, 'the calm room ticking on', 10_000);
  }, 90_000);
});
