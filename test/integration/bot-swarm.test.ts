import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSwarm } from '../../loadtest/run-swarm.js';
import { parseSwarmOptions } from '../../loadtest/swarm-options.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';

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

describe('bot swarm against real gateways, room servers and a matchmaker', () => {
  it('queues, plays, finishes and queues again over the real protocol, with no protocol error', async () => {
    const options = parseSwarmOptions([
      ...['--bots', '12', '--duration', '32s', '--ramp', '2s', '--workers', '2'],
      ...['--queues', 'duel.eu', '--gateways', `${cluster.gatewayUrl(0)},${cluster.gatewayUrl(1)}`],
      ...['--out', outDir],
    ]);
    const seconds: number[] = [];
    const result = await runSwarm(options, { command: 'test', onSecond: (p) => seconds.push(p.t) });
    const s = result.summary;

    expect(s.protocolErrors).toBe(0);
    expect(s.errors).toEqual({});
    expect(s.peakConnected).toBe(12);
    // Six duels at once; each ends by its 20 s limit, and its players queue for another.
    expect(s.matchesFinished).toBeGreaterThanOrEqual(6);
    expect(s.matchesStarted).toBeGreaterThan(6);
    expect(s.timeToMatchMs.count).toBeGreaterThan(12);
    expect(s.latencyMs.count).toBeGreaterThan(500); // 12 bots at 10 inputs/s, most of the run
    expect(s.latencyMs.p50).toBeGreaterThan(0);
    expect(s.latencyMs.p99).toBeGreaterThanOrEqual(s.latencyMs.p50);
    expect(s.counters.messagesIn).toBeGreaterThan(s.counters.inputs); // state at 20 Hz, inputs at 10
    expect(seconds.length).toBeGreaterThanOrEqual(30);

    // Bots spread over both gateways (bot i starts on gateway i % 2).
    for (const gw of [0, 1]) {
      const log = readFileSync(cluster.gateways[gw]!.process.logFile, 'utf8');
      expect(log).not.toContain('"level":50'); // no error logged by a gateway
    }
    const joined = readFileSync(cluster.roomServers[0]!.process.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes('player seated'))
      .map((l) => (JSON.parse(l) as { gatewayId: string }).gatewayId);
    expect(new Set(joined)).toEqual(new Set(['gw-0', 'gw-1']));

    const report = JSON.parse(readFileSync(result.jsonFile, 'utf8')) as {
      summary: { matchesStarted: number };
    };
    expect(report.summary.matchesStarted).toBe(s.matchesStarted);
    expect(existsSync(result.htmlFile)).toBe(true);
    expect(readFileSync(result.htmlFile, 'utf8')).toContain('<svg');
  }, 90_000);
});
