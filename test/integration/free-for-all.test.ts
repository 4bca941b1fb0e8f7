import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArenaClient } from '../../shared/client/index.js';
import { loadConfig } from '../../shared/config/index.js';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import type { MatchResult } from '../../shared/protocol/index.js';
import { rankingKeys } from '../../shared/rankings/keys.js';
import type { AppliedMatch } from '../../shared/rankings/rating-store.js';
import { DEFAULT_SKILL, type Skill } from '../../shared/rankings/skill.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { pollUntil, waitForClient } from '../helpers/wait-for.js';

const PLAYERS = 4;

// The built-in free-for-all shape (teams of one, four teams), playing arena-sprint (a 20 s
// match); a wide skill window so new players match at once, and generous deadlines for a
// loaded machine.
const ffa: ModeConfig = {
  game: 'arena-sprint',
  teams: PLAYERS,
  teamSize: 1,
  window: { initial: 1_000, perSecond: 100, exponent: 1, max: 2_000 },
  maxWaitMs: 60_000,
  joinDeadlineMs: 15_000,
  noShow: 'continue',
};

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    matchmakers: 1,
    env: {
      MATCHMAKER_MODES: JSON.stringify({ ffa }),
      MATCHMAKER_REGIONS: 'eu',
      ROOM_GAMES: 'arena,arena-sprint',
    },
  });
}, 120_000);
afterAll(() => cluster?.stop(), 60_000);

describe('free-for-all end to end (real gateways, matchmaker, room server, Redis)', () => {
  it('queues four players over two gateways, forms one match, plays it to its end, and rates all four', async () => {
    const clients: ArenaClient[] = [];
    for (let i = 0; i < PLAYERS; i++) clients.push(await cluster.client([i % 2]));
    const ids = clients.map((c) => c.playerId).sort();
    const found = clients.map((c) =>
      waitForClient(c, 'matchFound', (m) => m !== undefined, `${c.playerId} matched`, 60_000),
    );
    const joined = clients.map((c) =>
      waitForClient(c, 'joined', (j) => j !== undefined, `${c.playerId} joined`, 60_000),
    );
    const ended = clients.map((c) =>
      waitForClient(c, 'ended', (r) => r !== undefined, `${c.playerId} saw the match end`, 90_000),
    );
    for (const c of clients) c.queue('ffa.eu');

    // One match of four teams of one, told to every player, who all land in its room.
    const matches = (await Promise.all(found)).map((m) => m!);
    const { matchId, roomId } = matches[0]!;
    for (const m of matches) {
      expect(m).toMatchObject({ matchId, roomId, queue: 'ffa.eu' });
      expect(m.teams.map((t) => t.length)).toEqual([1, 1, 1, 1]);
      expect(m.teams.flat().sort()).toEqual(ids);
    }
    for (const j of await Promise.all(joined)) expect(j!.roomId).toBe(roomId);

    // The arena-sprint match plays to its end (score limit 5 or the 20 s time limit); every
    // player gets the same result naming the match, its four teams and a line for each player.
    const results = (await Promise.all(ended)).map((r) => r!);
    const result: MatchResult = results[0]!;
    for (const r of results) expect(r).toEqual(result);
    expect(result).toMatchObject({ matchId, roomId, queue: 'ffa.eu', game: 'arena-sprint' });
    expect(['score', 'time']).toContain(result.reason);
    expect(result.teams!.flat().sort()).toEqual(ids);
    expect(Object.keys(result.players).sort()).toEqual(ids);

    // Ratings: the room server applies the result once, for all four players.
    const keys = rankingKeys(loadConfig(cluster.env).redis.keyPrefix);
    const applied = await pollUntil(
      async () => {
        const raw = await cluster.redis.get(keys.applied(matchId));
        return raw ? (JSON.parse(raw) as AppliedMatch) : undefined;
      },
      `the ratings of match ${matchId} applied`,
      30_000,
    );
    expect(Object.keys(applied.players).sort()).toEqual(ids);
    expect(applied.region).toBe('eu');
    expect(applied.game).toBe('arena-sprint');
    for (const id of ids) {
      const { before, after } = applied.players[id]!;
      expect(before).toEqual(DEFAULT_SKILL); // new players
      expect(after.sigma).toBeLessThan(before.sigma); // a rated match makes every rating surer
      // Rated under the game played, not under the reference game.
      const stored = JSON.parse((await cluster.redis.hget(keys.skills('arena-sprint'), id))!) as Skill;
      expect(stored).toEqual(after);
      expect(await cluster.redis.hget(keys.skills('arena'), id)).toBeNull();
    }
    for (const c of clients) c.close();
  }, 240_000);
});
