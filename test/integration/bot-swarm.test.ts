import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSwarm } from '../../loadtest/run-swarm.js';
import { parseSwarmOptions } from '../../loadtest/swarm-options.js';
import type { SwarmSummary, SwarmTotals, TimelinePoint } from '../../loadtest/swarm-stats.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { MatchRecord } from '../../shared/matchmaking/types.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { pollUntil } from '../helpers/wait-for.js';

let cluster: ArenaCluster;
const outDir = mkdtempSync(join(tmpdir(), 'arena-swarm-'));

beforeAll(async () => {
  // Short matches (first to 5 or 20 s), so that bots finish and queue again within the run.
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    matchmakers: 1,
    env: { ROOM_GAME: 'arena-sprint' },
  });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(outDir, { recursive: true, force: true });
}, 60_000);

interface LogLine {
  msg?: string;
  matchId?: string;
  result?: unknown;
  gatewayId?: string;
  level?: number;
}
function logLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

describe('bot swarm against real gateways, room servers and a matchmaker', () => {
  // Every pass condition is an outcome (what happened to each ticket, match and bot), never
  // a rate: how many matches fit in 32 s depends on the machine, and is only reported.
  it('queues, plays, finishes and queues again over the real protocol, with no protocol error', async () => {
    const options = parseSwarmOptions([
      ...['--bots', '12', '--duration', '32s', '--ramp', '2s', '--workers', '2'],
      ...['--queues', 'duel.eu', '--gateways', `${cluster.gatewayUrl(0)},${cluster.gatewayUrl(1)}`],
      ...['--out', outDir],
    ]);
    const seconds: TimelinePoint[] = [];
    let totals: SwarmTotals | undefined;
    const result = await runSwarm(options, {
      command: 'test',
      onSecond: (p, t) => {
        seconds.push(p);
        totals = t;
      },
    });
    const s = result.summary;

    expect(s.protocolErrors).toBe(0);
    expect(s.errors).toEqual({});
    expect(s.peakConnected).toBe(12);
    expect(totals, 'the swarm reported no second at all').toBeDefined();
    const { started, finished } = totals!.matchIds();
    expect(started.length, 'matches the bots were placed in').toBeGreaterThan(0);
    expect([s.matchesStarted, s.matchesFinished]).toEqual([started.length, finished.length]);

    // Every match the bots played is the matchmaker's: a recorded duel of two bots, and no
    // ticket is in two matches.
    const mm = matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!);
    const records = (await cluster.redis.mget(started.map((id) => mm.match(id)))).map((r, i) => {
      expect(r, `match ${started[i]} has no record in Redis`).not.toBeNull();
      return JSON.parse(r!) as MatchRecord;
    });
    const tickets = new Set<string>();
    const players = new Set<string>();
    for (const m of records) {
      expect(m.teams.map((t) => t.length)).toEqual([1, 1]);
      for (const t of m.tickets) {
        expect(tickets.has(t.id), `ticket ${t.id} in two matches`).toBe(false);
        tickets.add(t.id);
      }
      for (const p of m.teams.flat()) players.add(p);
    }
    expect(players.size).toBeLessThanOrEqual(12);
    // Each ticket has exactly one outcome, and a matched one names its match.
    const outcomes = await cluster.redis.zrange(mm.outcomes, 0, -1);
    const outcomeOf = new Map<string, string>();
    for (const entry of outcomes) {
      const [ticket, outcome] = entry.split('|') as [string, string];
      expect(outcomeOf.has(ticket), `ticket ${ticket} has two outcomes`).toBe(false);
      outcomeOf.set(ticket, outcome);
    }
    for (const m of records)
      for (const t of m.tickets) expect(outcomeOf.get(t.id)).toBe(`match:${m.matchId}`);

    // Every match the bots saw end, the room server ended with a result; and every match
    // they were placed in ends (by its 20 s limit at the latest, after the bots left).
    const finishedSet = new Set(finished);
    for (const id of finished) expect(started, `match ${id} ended but never started`).toContain(id);
    const roomServerLog = cluster.roomServers[0]!.process.logFile;
    const endedOnServer = () =>
      new Map(
        logLines(roomServerLog)
          .filter((l) => l.matchId && (l.msg === 'match ended' || l.msg?.startsWith('room closed')))
          .map((l) => [l.matchId!, l]),
      );
    const ended = await pollUntil(
      () => {
        const e = endedOnServer();
        return started.every((id) => e.has(id)) ? e : undefined;
      },
      'the room server to end every match the bots were placed in',
      60_000,
      250,
      () => `not ended: ${started.filter((id) => !endedOnServer().has(id)).join(', ')}`,
    );
    for (const id of finishedSet) expect(ended.get(id)!.msg, `match ${id}`).toBe('match ended');

    // Round trips and times to match were measured; the percentiles are ordered.
    expect(s.latencyMs.count).toBeGreaterThan(0);
    expect(s.timeToMatchMs.count).toBeGreaterThanOrEqual(started.length);
    for (const p of [s.latencyMs, s.timeToMatchMs]) {
      expect(p.p50).toBeGreaterThan(0);
      expect(p.p50).toBeLessThanOrEqual(p.p90);
      expect(p.p90).toBeLessThanOrEqual(p.p99);
      expect(p.p99).toBeLessThanOrEqual(p.max);
    }

    // The per-second reports: one timeline point per second reported, in order, in the run.
    expect(seconds.length).toBeGreaterThan(0);
    expect(result.timeline).toEqual(seconds);
    for (let i = 1; i < seconds.length; i++) expect(seconds[i]!.t).toBeGreaterThan(seconds[i - 1]!.t);
    expect(seconds.at(-1)!.t).toBeLessThanOrEqual(s.durationS);

    // Bots spread over both gateways (bot i starts on gateway i % 2).
    for (const gw of [0, 1]) {
      const lines = logLines(cluster.gateways[gw]!.process.logFile);
      expect(lines.filter((l) => l.level === 50)).toEqual([]); // no error logged by a gateway
    }
    const joined = logLines(roomServerLog)
      .filter((l) => l.msg === 'player seated')
      .map((l) => l.gatewayId);
    expect(new Set(joined)).toEqual(new Set(['gw-0', 'gw-1']));

    // The JSON report holds the same numbers as the run's result; the HTML has its plots.
    const report = JSON.parse(readFileSync(result.jsonFile, 'utf8')) as {
      summary: SwarmSummary;
      timeline: TimelinePoint[];
    };
    expect(report.summary).toEqual(JSON.parse(JSON.stringify(s)));
    expect(report.timeline).toHaveLength(seconds.length);
    expect(existsSync(result.htmlFile)).toBe(true);
    expect(readFileSync(result.htmlFile, 'utf8')).toContain('<svg');
    console.log(
      `bot swarm: ${started.length} matches started, ${finished.length} seen to end by their bots, ${seconds.length} seconds reported`,
    );
  }, 150_000);
});
