import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { waitForClient } from '../helpers/wait-for.js';
import { buildCsharpSdk, startCsharp, type CsharpBuild, type CsharpProcess } from '../helpers/csharp-sdk.js';

/**
 * The C# SDK (sdks/csharp, compiled here with Mono) against real gateways, as a separate C#
 * process: guest login over HTTP, WebSocket (Mono's ClientWebSocket against uWS), welcome,
 * pongs, a refused token, a reconnect through the next gateway, and a whole duel against a
 * TypeScript client with its gateway killed mid-match, played with the SDK's typed flows and
 * room store. Every event ran on the C# main thread through Update() (the process checks).
 */
let build: CsharpBuild | undefined;
let proc: CsharpProcess | undefined;

beforeAll(() => {
  build = buildCsharpSdk();
}, 180_000);
afterAll(() => build?.remove());
afterEach(() => {
  proc?.kill();
  proc = undefined;
});

describe('C# SDK: connecting', () => {
  let cluster: ArenaCluster;
  beforeAll(async () => {
    cluster = await ArenaCluster.start({ gateways: 2, roomServers: 1 });
  });
  afterAll(() => cluster?.stop());

  it('stops at once on a refused token (401) instead of retrying', async () => {
    proc = startCsharp(build!, 'Arena.Smoke.exe', [
      '--http',
      cluster.httpUrl(1, ''),
      '--gateways',
      cluster.gatewayUrl(1),
      '--token',
      'not-a-token',
    ]);
    const failed = await proc.waitFor((e) => e.event === 'connect_failed', 'the refused connect', 20_000);
    expect(failed, proc.log).toMatchObject({ status: 401, willRetry: false });
    expect(failed.message).toContain('token invalid'); // the gateway's own words
    expect(await proc.exited).toBe(0);
    expect(proc.events.filter((e) => e.event === 'connecting')).toHaveLength(1);
  }, 60_000);

  // Last in this block: it stops gateway 0.
  it('logs in as a guest, skips a dead gateway, gets a welcome and a pong, and moves to the next gateway when its own stops', async () => {
    // Port 1 refuses connections: the client must move on to the next URL in its list.
    const urls = ['ws://127.0.0.1:1/ws', cluster.gatewayUrl(0), cluster.gatewayUrl(1)];
    proc = startCsharp(build!, 'Arena.Smoke.exe', [
      '--http',
      cluster.httpUrl(0, ''),
      '--gateways',
      urls.join(','),
      '--welcomes',
      '2',
    ]);
    const failed = await proc.waitFor(
      (e) => e.event === 'connect_failed',
      'the dead gateway to fail',
      20_000,
    );
    expect(failed).toMatchObject({ gateway: urls[0], willRetry: true });
    const first = await proc.waitFor((e) => e.event === 'welcome', 'the first welcome', 20_000);
    expect(first).toMatchObject({ gatewayId: 'gw-0', protocolVersion: 1 });
    const login = proc.events.find((e) => e.event === 'login')!;
    expect(first.playerId).toBe(login.playerId);
    const pong = await proc.waitFor((e) => e.event === 'pong', 'a pong', 20_000);
    expect(pong.gatewayId).toBe('gw-0');
    expect(pong.rttMs).toBeGreaterThanOrEqual(0);
    // Same machine, same clock: the estimated offset is the measurement error, not hours.
    expect(Math.abs(pong.offsetMs as number)).toBeLessThan(5_000);

    await cluster.gateways[0]!.process.stop(5_000);
    const dropped = await proc.waitFor((e) => e.event === 'disconnected', 'the disconnect', 20_000);
    // The gateway closes with 1012 (service restart), a code .NET's WebSocket refuses as
    // invalid (it accepts 1000-1011 and 3000-4999 only): the SDK sees the connection end
    // abnormally (1006). Either way it reconnects, which is what 1012 asks for.
    expect(dropped.willReconnect).toBe(true);
    expect([1006, 1012]).toContain(dropped.code);
    const second = await proc.waitFor(
      (e) => e.event === 'welcome' && e.gatewayId === 'gw-1',
      'a welcome from the other gateway',
      30_000,
    );
    // The resume token of the first welcome let the same player back in.
    expect(second.playerId).toBe(login.playerId);
    const done = await proc.waitFor((e) => e.event === 'done' || e.event === 'fail', 'the end', 30_000);
    expect(done, proc.log).toMatchObject({ event: 'done', welcomes: 2, protocolErrors: 0 });
    expect(await proc.exited).toBe(0);
  }, 150_000);
});

describe('C# SDK: a whole duel', () => {
  let cluster: ArenaCluster | undefined;
  afterAll(() => cluster?.stop());

  // DuelClient.cs uses the typed flows (queue, auto-join, MatchEnded, typed leaderboard) and
  // follows the room in its store (RoomState), which the end compares with the TypeScript client's.
  it('plays a duel against a TypeScript client, resumes through the other gateway when its own is killed mid-match, keeps its room store right, and sees the result and its new rating', async () => {
    const duel: ModeConfig = {
      teams: 2,
      teamSize: 1,
      window: { initial: 100, perSecond: 100, exponent: 1, max: 400 },
      maxWaitMs: 60_000, // the two clients may queue seconds apart (Mono starts slowly)
      joinDeadlineMs: 15_000,
      noShow: 'requeue',
    };
    cluster = await ArenaCluster.start({
      gateways: 2,
      roomServers: 1,
      matchmakers: 1,
      // The short variant of the reference game: a match ends after 20 s (or 5 points).
      env: {
        ROOM_GAME: 'arena-sprint',
        MATCHMAKER_MODES: JSON.stringify({ duel }),
        MATCHMAKER_REGIONS: 'eu',
      },
    });
    const ts = await cluster.client([1]);
    proc = startCsharp(build!, 'Arena.Smoke.exe', [
      '--scenario',
      'duel',
      '--http',
      cluster.httpUrl(0, ''),
      '--gateways',
      [cluster.gatewayUrl(0), cluster.gatewayUrl(1)].join(','),
      '--queue',
      'duel.eu',
    ]);
    const welcome = await proc.waitFor((e) => e.event === 'welcome', 'the C# welcome', 30_000);
    expect(welcome.gatewayId).toBe('gw-0');
    const csId = welcome.playerId as string;
    await proc.waitFor((e) => e.event === 'queued', 'the C# client queued', 20_000);
    // The TypeScript client's view of the room when the match ends (no update follows the end).
    let tsFinal: Record<string, [number, number]> = {};
    const tsEnded = waitForClient(
      ts,
      'ended',
      (r) => {
        if (r === undefined) return false;
        tsFinal = {};
        for (const [id, e] of ts.entities) if (e.k === 'p') tsFinal[id] = [e.x as number, e.y as number];
        return true;
      },
      'the TypeScript side to see the end',
      120_000,
    );
    ts.queue('duel.eu');

    const found = await proc.waitFor((e) => e.event === 'match_found', 'a match for the C# client', 30_000);
    expect(String(found.players).split(',').sort()).toEqual([csId, ts.playerId].sort());
    const joined = await proc.waitFor((e) => e.event === 'joined', 'the C# client in the room', 30_000);
    expect(joined).toMatchObject({
      roomId: found.roomId,
      resumed: false,
      gatewayId: 'gw-0',
      hasOwnEntity: true,
    });
    expect(joined.entities).toBeGreaterThanOrEqual(2); // both players (and the pickups) in the store
    const before = await proc.waitFor(
      (e) => e.event === 'progress' && (e.ackedSeq as number) > 0 && (e.moves as number) > 0,
      'the room to apply C# inputs and the store to see the C# player move',
      30_000,
    );
    expect(before.gatewayId).toBe('gw-0');

    // Kill the C# client's gateway outright (no close frame): it must come back through gw-1.
    cluster.gateways[0]!.process.signal('SIGKILL');
    await proc.waitFor((e) => e.event === 'welcome' && e.gatewayId === 'gw-1', 'a welcome from gw-1', 30_000);
    const resumed = await proc.waitFor(
      (e) => e.event === 'joined' && e.resumed === true,
      'the C# client back in its seat',
      30_000,
    );
    expect(resumed).toMatchObject({ roomId: found.roomId, gatewayId: 'gw-1', hasOwnEntity: true });
    await proc.waitFor(
      (e) =>
        e.event === 'progress' &&
        e.gatewayId === 'gw-1' &&
        (e.ackedSeq as number) > (before.sentSeq as number) &&
        (e.moves as number) > (before.moves as number),
      'inputs sent through gw-1 applied by the room, and seen moving in the store',
      30_000,
    );

    const ended = await proc.waitFor((e) => e.event === 'ended', 'the end of the match', 90_000);
    expect(ended).toMatchObject({ roomId: found.roomId, matchId: found.matchId, inRoom: false });
    expect(String(ended.players).split(',').sort()).toEqual([csId, ts.playerId].sort());
    const tsResult = (await tsEnded)!;
    expect(tsResult.matchId).toBe(found.matchId);
    expect(tsResult.game).toBe(ended.game);
    expect(tsResult.reason).toBe(ended.reason);
    expect(tsResult.winner ?? null).toBe(ended.winner ?? null);
    // The C# store, fed by a snapshot, deltas, a resume snapshot through gw-1 and more deltas,
    // ends with exactly the players' positions the TypeScript client ends with.
    const csFinal = JSON.parse(ended.positions as string) as Record<string, [number, number]>;
    expect(Object.keys(csFinal).sort()).toEqual([`p:${csId}`, `p:${ts.playerId}`].sort());
    expect(csFinal).toEqual(tsFinal);

    const rated = await proc.waitFor((e) => e.event === 'rating', 'the new rating', 30_000);
    expect(Number.isFinite(rated.rating)).toBe(true);
    // The same standing over HTTP from the other gateway.
    const res = await fetch(
      cluster.httpUrl(1, `/leaderboard?kind=player&player=${csId}&game=${String(ended.game)}`),
    );
    expect(res.status).toBe(200);
    expect(((await res.json()) as { standing: { rating: number } }).standing.rating).toBe(rated.rating);
    expect(await proc.exited).toBe(0);
  }, 300_000);
});
