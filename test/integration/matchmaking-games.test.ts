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
// The mode's room options: a 7x7 board (the quick fixture's own default is 6x6, the game's 10x10).
const battle: ModeConfig = { ...duel, game: 'battleship', options: { size: 7, ships: [3, 2] } };
const BATTLESHIP = './test/fixtures/games/battleship-quick.ts';

// rs-a hosts only arena, rs-b only arena-sprint, rs-c only battleship; each mode names one game.
let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 1,
    roomServers: 0,
    env: {
      MATCHMAKER_MODES: JSON.stringify({ duel, sprint, battle }),
      MATCHMAKER_GAMES: `arena,arena-sprint,${BATTLESHIP}`,
      MATCHMAKER_REGIONS: 'eu',
    },
  });
  await Promise.all([
    cluster.startRoomServer('rs-a', { ROOM_GAMES: 'arena' }),
    cluster.startRoomServer('rs-b', { ROOM_GAMES: 'arena-sprint' }),
    cluster.startRoomServer('rs-c', { ROOM_GAMES: BATTLESHIP }),
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

  it("a mode's room options make its rooms, and a player's own join options cannot change a matchmade room", async () => {
    // Neither auto-joins: a hostile first joiner asks for another game and a 12x12 board.
    const a = await cluster.client([0], { autoJoinMatches: false });
    const b = await cluster.client([0], { autoJoinMatches: false });
    const found = waitForClient(a, 'matchFound', (m) => m !== undefined, 'battle matched', 30_000);
    a.queue('battle.eu');
    b.queue('battle.eu');
    const match = (await found)!;
    const roster = JSON.parse((await cluster.redis.get(cluster.keys.roomRoster(match.roomId)))!) as Roster;
    expect(roster).toMatchObject({ game: 'battleship', options: { size: 7, ships: [3, 2] } });
    await a.join(match.roomId, { bots: 0, game: 'arena', options: { size: 12 } });
    await b.join(match.roomId);
    expect(await cluster.roomOwner(match.roomId)).toBe('rs-c');
    // The joined snapshot is the player's view of the room as created.
    expect(a.entities.get('game')).toMatchObject({ k: 'game', size: 7 });
    a.close();
    b.close();
  }, 120_000);

  it('a join that creates a room with options its game refuses fails with bad_room_options (the SDK rejects the join)', async () => {
    const p = await cluster.client([0]);
    await expect(
      p.join(`bad-options-${Date.now()}`, { bots: 0, game: 'battleship', options: { size: 99 } }),
    ).rejects.toThrow(/^bad_room_options: battleship: /);
    p.close();
  }, 60_000);
});
