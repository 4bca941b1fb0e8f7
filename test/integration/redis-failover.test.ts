import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRunDir } from '../../infra/local/paths.js';
import { startRedisSentinelGroup, type LocalSentinelGroup } from '../../infra/local/redis-sentinel.js';
import { runSwarm } from '../../loadtest/run-swarm.js';
import { parseSwarmOptions } from '../../loadtest/swarm-options.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import {
  matchTwo,
  metricSum,
  OUTAGE_MODES,
  OutageScenario,
  pollUntil,
  queueUntilAnswered,
} from '../helpers/redis-outage.js';
import { waitForClient } from '../helpers/wait-for.js';

// A primary, a replica and three sentinels of its own: this test kills the primary.
const runDir = makeRunDir();
const outDir = mkdtempSync(join(tmpdir(), 'arena-swarm-'));
let group: LocalSentinelGroup;
let cluster: ArenaCluster | undefined;
let scenario: OutageScenario | undefined;

beforeAll(async () => {
  group = await startRedisSentinelGroup(runDir, { replicas: 1, sentinels: 3 });
}, 120_000);
afterAll(async () => {
  scenario?.stop();
  await cluster?.stop();
  await group?.stop();
  rmSync(runDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
}, 120_000);

describe('Redis Sentinel failover during play (real gateways, room servers, matchmaker, bots)', () => {
  it('keeps rooms ticking, keeps or re-queues every queued player, and matches again after the primary dies', async () => {
    cluster = await ArenaCluster.start({
      gateways: 2,
      roomServers: 2,
      matchmakers: 1,
      env: {
        ...group.env,
        MATCHMAKER_MODES: JSON.stringify(OUTAGE_MODES),
        MATCHMAKER_REGIONS: 'eu',
        GATEWAY_TICKET_CHECK_MS: '1000',
        REDIS_COMMAND_TIMEOUT_MS: '1000',
      },
    });
    const c = cluster;
    scenario = await OutageScenario.start(c, { rooms: 2, waiting: 2 });
    // Bots: even ones play duels (queue, play, queue again), odd ones wait in octo.eu (never fills).
    const bots = 12;
    const swarm = runSwarm(
      parseSwarmOptions([
        ...['--bots', String(bots), '--duration', '35s', '--ramp', '2s', '--workers', '1'],
        ...['--queues', 'duel.eu,octo.eu', '--gateways', `${c.gatewayUrl(0)},${c.gatewayUrl(1)}`],
        ...['--out', outDir],
      ]),
      { command: 'test' },
    );
    // Everyone in place: 2 SDK players and 5 bots queued, the bots' duels under way.
    await pollUntil(
      async () => (await metricSum(c.gateways, 'arena_gateway_queued_players')) >= 2 + bots / 2,
      'every waiting player and bot queued',
    );
    await pollUntil(
      async () => (await metricSum(c.roomServers, 'arena_room_server_players')) >= 4 + bots / 2,
      'the bots playing',
    );
    const probe = await c.client([1]);
    const rooms = [...new Set(scenario.mark().map((m) => m.roomId))];
    const ownersBefore = await Promise.all(rooms.map((r) => c.roomOwner(r)));

    const before = scenario.mark();
    scenario.resetGaps();
    const primary = await group.primary();
    const killedAt = Date.now();
    primary.signal('SIGKILL');
    const [promoted, answered] = await Promise.all([
      group.waitForFailover(primary).then((node) => ({ node, ms: Date.now() - killedAt })),
      queueUntilAnswered(probe, 'quad.eu'),
    ]);

    // Rooms tick on, not reset: same rooms, same servers, nobody seated again.
    await scenario.ticksPast(before, 60, 'rooms ticking through the failover');
    await c.redisReady();
    expect(scenario.mark().map((m) => [m.roomId, m.joins])).toEqual(before.map((m) => [m.roomId, m.joins]));
    expect(await Promise.all(rooms.map((r) => c.roomOwner(r)))).toEqual(ownersBefore);
    expect(await metricSum(c.roomServers, 'arena_room_server_rooms_moved_total')).toBe(0);

    // Queued players: still queued (their tickets replicated) or told to queue again.
    const checks = (await metricSum(c.gateways, 'arena_gateway_ticket_checks_total')) + 2 * 2;
    await pollUntil(
      async () => (await metricSum(c.gateways, 'arena_gateway_ticket_checks_total')) >= checks,
      'two ticket checks on each gateway after the failover',
    );
    let stillQueued = 0;
    for (const p of scenario.waiting) {
      expect(p.queueEnded.map((q) => q.reason)).toEqual(p.queueEnded.length ? ['lost'] : []);
      if (p.queueEnded.length > 0) continue;
      const cancelled = waitForClient(p.client, 'queueEnded', (q) => q?.reason === 'cancelled', 'a cancel');
      p.client.cancelQueue();
      await cancelled; // the ticket was really there
      stillQueued++;
    }

    // Matchmaking resumes on the new primary.
    await matchTwo(c);
    const { summary } = await swarm;
    const failures = await metricSum(
      [...c.gateways, ...c.roomServers, ...c.matchmakers],
      'arena_redis_failures_total',
    );
    const lost = await metricSum(c.gateways, 'arena_gateway_tickets_lost_total');
    const recovered = await metricSum(c.gateways, 'arena_gateway_queue_notices_recovered_total');
    expect(summary.protocolErrors).toBe(0);
    // Every bot that was queued is either queued again, matched or told; none hangs unanswered.
    expect(summary.errors.queue_unanswered).toBeUndefined();
    expect(promoted.node.port).not.toBe(primary.port);

    console.log(
      'redis sentinel failover:',
      JSON.stringify({
        sentinelsPromotedAfterMs: promoted.ms,
        clientSeenFailoverMs: answered.ms,
        probeErrorsBeforeAnswer: answered.errors.length,
        longestStateGapMs: Math.max(...scenario.playing.map((p) => p.maxGapMs)),
        roomsKeptTicking: `${rooms.length}/${rooms.length} (SDK rooms)`,
        waitingPlayersStillQueued: stillQueued,
        ticketsLostTold: lost,
        noticesRecovered: recovered,
        redisFailuresCounted: failures,
        swarm: {
          bots,
          matchesStarted: summary.matchesStarted,
          matchesFinished: summary.matchesFinished,
          errors: summary.errors,
        },
      }),
    );
  }, 300_000);
});
