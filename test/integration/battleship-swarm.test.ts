import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSwarm } from '../../loadtest/run-swarm.js';
import { parseSwarmOptions } from '../../loadtest/swarm-options.js';
import type { SwarmTotals } from '../../loadtest/swarm-stats.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { pollUntil } from '../helpers/wait-for.js';

/** Battleship with quick matches (a 6x6 board, 10 ticks a second), loaded as a studio's game module. */
const GAME_MODULE = './test/fixtures/games/battleship-quick.ts';
const MODES = JSON.stringify({
  battle: {
    game: 'battleship',
    teams: 2,
    teamSize: 1,
    window: { initial: 5000, perSecond: 0, exponent: 1, max: 5000 },
    maxWaitMs: 60_000,
    joinDeadlineMs: 20_000,
    noShow: 'requeue',
  },
});

let cluster: ArenaCluster;
const outDir = mkdtempSync(join(tmpdir(), 'arena-bs-swarm-'));

beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    matchmakers: 1,
    env: { ROOM_GAMES: GAME_MODULE, MATCHMAKER_GAMES: GAME_MODULE, MATCHMAKER_MODES: MODES },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(outDir, { recursive: true, force: true });
}, 60_000);

interface LogLine {
  msg?: string;
  matchId?: string;
  game?: string;
  result?: { winner?: string; reason?: string; players?: Record<string, { placement: number }> };
  level?: number;
}
const logLines = (file: string): LogLine[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

describe('bot swarm on Battleship (the swarm picks the bot by the game of the queue’s mode)', () => {
  // Outcomes only (how many matches fit in the run depends on the machine, and is only reported).
  it('plays Battleship matches to a sunk fleet through real gateways, with no error of any kind', async () => {
    const options = parseSwarmOptions(
      [
        ...['--bots', '4', '--duration', '30s', '--ramp', '2s', '--workers', '1', '--queues', 'battle.eu'],
        ...['--modes', MODES, '--gateways', `${cluster.gatewayUrl(0)},${cluster.gatewayUrl(1)}`],
        ...['--out', outDir],
      ],
      {},
    );
    expect(options.games).toEqual({ 'battle.eu': 'battleship' });
    let totals: SwarmTotals | undefined;
    const result = await runSwarm(options, { command: 'test', onSecond: (_, t) => (totals = t) });
    const s = result.summary;

    // No protocol error, no refused shot, no missed turn, no player let down.
    expect(s.errors).toEqual({});
    expect(s.protocolErrors).toBe(0);
    expect(s.peakConnected).toBe(4);
    expect(totals, 'the swarm reported no second at all').toBeDefined();
    const { started, finished } = totals!.matchIds();
    expect(finished.length, 'Battleship matches the bots saw end').toBeGreaterThan(0);
    expect(s.latencyMs.count, 'shots acknowledged by the room').toBeGreaterThan(0);
    // The report says which game: every match and round trip here is Battleship's.
    expect(Object.keys(s.byGame)).toEqual(['battleship']);
    expect(s.byGame.battleship).toMatchObject({
      matchesStarted: started.length,
      matchesFinished: finished.length,
    });
    expect(s.byGame.battleship!.latencyMs.count).toBe(s.latencyMs.count);

    // Each of those is a Battleship room the room server ended with a result: a fleet sunk, a
    // winner and a loser (not a forfeit by missed turns, nor a player who left).
    const log = cluster.roomServers[0]!.process.logFile;
    const ended = await pollUntil(
      () => {
        const byMatch = new Map(
          logLines(log)
            .filter((l) => l.matchId && l.msg === 'match ended')
            .map((l) => [l.matchId!, l]),
        );
        return finished.every((id) => byMatch.has(id)) ? byMatch : undefined;
      },
      'the room server to log the end of every match the bots saw end',
      30_000,
    );
    const rooms = new Map(
      logLines(log)
        .filter((l) => l.msg === 'room created' && l.matchId)
        .map((l) => [l.matchId!, l.game]),
    );
    for (const id of started) expect(rooms.get(id), `match ${id}'s game`).toBe('battleship');
    for (const id of finished) {
      const r = ended.get(id)!.result!;
      expect(r.reason, `match ${id}`).toBe('fleet_sunk');
      expect(
        Object.values(r.players!)
          .map((p) => p.placement)
          .sort(),
      ).toEqual([1, 2]);
      expect(r.players![r.winner!]?.placement).toBe(1);
    }
    for (const gw of [0, 1])
      expect(logLines(cluster.gateways[gw]!.process.logFile).filter((l) => l.level === 50)).toEqual([]);
    console.log(
      `battleship swarm: ${started.length} matches started, ${finished.length} ended by a sunk fleet`,
    );
  }, 150_000);
});
