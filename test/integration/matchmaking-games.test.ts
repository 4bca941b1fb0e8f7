import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import type { Roster } from '../../shared/rooms/roster.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { waitForClient } from '../helpers/wait-for.js';

const duel: ModeConfig = {
  game: 'arena',
  teams: 2,
  teamSize: 1,
  window: { initial: 1_000, perSecond: 100, exponent: 1, max: 2_000 },
  maxWaitMs: 30_000,
  joinDeadlineMs: 10_000,
  noShow: 'requeue',
};
const sprint: ModeConfig = { ...duel, game: 'arena-sprint' };

// rs-a hosts only arena, rs-b only arena-sprint; each mode names one of the two games.
let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 0,
    env: { MATCHMAKER_MODES: JSON.stringify({ duel, sprint }), MATCHMAKER_REGIONS: 'eu' },
  });
  await Promise.all([
    cluster.startRoomServer('rs-a', { ROOM_GAMES: 'arena' }),
    cluster.startRoomServer('rs-b', { ROOM_GAMES: 'arena-sprint' }),
  ]);
  await cluster.startMatchmaker('mm-0');
}, 120_000);
afterAll(() => cluster?.stop(), 60_000);

describe('a matchmaking mode names its game (real room servers, gateway, matchmaker and Redis)', () => {
  it("each mode's matches land only on the room server hosting its game, and the roster names the game", async () => {
    // Four matches per mode: with the game ignored, rendezvous over both servers would put about
    // half of them on the wrong one (where its first game would run, or the join be refused).
    for (let i = 0; i < 8; i++) {
      const [mode, game, server] =
        i % 2 === 0 ? ['duel', 'arena', 'rs-a'] : ['sprint', 'arena-sprint', 'rs-b'];
      const a = await cluster.client([0]);
      const b = await cluster.client([0]);
      const found = waitForClient(a, 'matchFound', (m) => m !== undefined, `${mode} ${i} matched`, 30_000);
      const joined = [a, b].map((c) =>
        waitForClient(c, 'joined', (j) => j !== undefined, `${c.playerId} joined ${mode} ${i}`, 30_000),
      );
      a.queue(`${mode}.eu`);
      b.queue(`${mode}.eu`);
      const match = (await found)!;
      for (const j of await Promise.all(joined)) expect(j!.roomId).toBe(match.roomId);
      expect(await cluster.roomOwner(match.roomId), `${mode} match ${match.roomId}`).toBe(server);
      const roster = JSON.parse((await cluster.redis.get(cluster.keys.roomRoster(match.roomId)))!) as Roster;
      expect(roster).toMatchObject({ queue: `${mode}.eu`, game });
      a.close();
      b.close();
    }
  }, 240_000);
});
