import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import type { ArenaClient, ArenaClientEvents } from '../../shared/client/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { waitForClient } from '../helpers/wait-for.js';

// Generous limits: a loaded machine may take seconds to match two players or to join their
// room, and that must not fail a test about something else. The maximum wait is tested on
// its own mode, whose queue no second player ever joins.
const duel: ModeConfig = {
  teams: 2,
  teamSize: 1,
  window: { initial: 100, perSecond: 100, exponent: 1, max: 400 },
  maxWaitMs: 60_000,
  joinDeadlineMs: 5_000,
  noShow: 'requeue',
};
const lonely: ModeConfig = { ...duel, maxWaitMs: 1_500 };

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    matchmakers: 1,
    env: {
      MATCHMAKER_MODES: JSON.stringify({ duel, duo: { ...duel, teamSize: 2 }, lonely }),
      MATCHMAKER_REGIONS: 'eu,us',
    },
  });
});
afterAll(() => cluster?.stop());

function next<K extends keyof ArenaClientEvents>(
  client: ArenaClient,
  event: K,
  what: string,
  timeoutMs = 20_000,
) {
  return waitForClient(client, event, (p) => p !== undefined, what, timeoutMs) as Promise<
    ArenaClientEvents[K]
  >;
}

describe('matchmaking through the gateways (real processes, real Redis)', () => {
  it('matches two players on different gateways and seats both in the allocated room', async () => {
    const a = await cluster.client([0]);
    const b = await cluster.client([1]);
    const queuedA = next(a, 'queued', 'a queued');
    const foundA = next(a, 'matchFound', 'a matched');
    const foundB = next(b, 'matchFound', 'b matched');
    const joinedA = next(a, 'joined', 'a joined');
    const joinedB = next(b, 'joined', 'b joined');
    a.queue('duel.eu');
    b.queue('duel.eu');
    expect((await queuedA).queue).toBe('duel.eu');
    const [fa, fb] = await Promise.all([foundA, foundB]);
    expect(fa.matchId).toBe(fb.matchId);
    expect(fa.teams.flat().sort()).toEqual([a.playerId, b.playerId].sort());
    const [ja, jb] = await Promise.all([joinedA, joinedB]);
    expect(ja.roomId).toBe(fa.roomId);
    expect(jb.roomId).toBe(fa.roomId);

    // The matchmaker exposes what it did.
    const metrics = await (await fetch(`http://127.0.0.1:${cluster.matchmakers[0]!.port}/metrics`)).text();
    expect(metrics).toMatch(/^arena_matchmaker_matches_total\{queue="duel.eu"\} [1-9]/m);
    expect(metrics).toMatch(
      /^arena_matchmaker_time_to_match_seconds\{quantile="0.99",queue="duel.eu"\} [0-9.]+$/m,
    );
    expect(metrics).toMatch(/^arena_matchmaker_queue_depth\{queue="duel.us"\} \d+$/m);

    // A matchmade room admits its roster only.
    const stranger = await cluster.client([0]);
    await expect(stranger.join(fa.roomId)).rejects.toThrow(/not_in_roster/);
  });

  it('keeps one ticket per player, cancels on request, and names unknown queues', async () => {
    const { token } = await cluster.guestToken(0);
    const raw = await RawSocket.welcomed(cluster.gatewayUrl(0), token);
    const { encodeClientMessage } = await import('../../shared/protocol/index.js');
    raw.ws.send(encodeClientMessage({ type: 'queue', queue: 'duel.us', party: [] }));
    await raw.until((s) => s.received.some((m) => m.type === 'queued'), 'queued');
    raw.ws.send(encodeClientMessage({ type: 'queue', queue: 'duel.us', party: [] }));
    raw.ws.send(encodeClientMessage({ type: 'queue', queue: 'chess.mars', party: [] }));
    await raw.until((s) => s.errors().length >= 2, 'two errors');
    // unknown_queue needs no Redis round trip, so it may overtake: compare as a set.
    expect(
      raw
        .errors()
        .map((e) => (e.type === 'error' ? e.code : ''))
        .sort(),
    ).toEqual(['already_queued', 'unknown_queue']);
    raw.ws.send(encodeClientMessage({ type: 'cancel_queue' }));
    await raw.until((s) => s.received.some((m) => m.type === 'queue_ended'), 'queue_ended');
    expect(raw.received.find((m) => m.type === 'queue_ended')).toMatchObject({
      reason: 'cancelled',
      queue: 'duel.us',
    });
    raw.ws.send(encodeClientMessage({ type: 'cancel_queue' }));
    await raw.until((s) => s.errors('not_queued').length === 1, 'not_queued');
  });

  it('gives up after the queue’s maximum wait, with a clear message', async () => {
    const alone = await cluster.client([1]);
    const ended = next(alone, 'queueEnded', 'the timeout');
    alone.queue('lonely.us');
    const e = await ended;
    expect(e).toMatchObject({ queue: 'lonely.us', reason: 'timeout' });
    expect(e.message).toMatch(/no match found within 2 s/);
  });

  it('re-queues the player who came when the other does not join in time', async () => {
    const present = await cluster.client([0]);
    const { token } = await cluster.guestToken(1);
    const absent = await RawSocket.welcomed(cluster.gatewayUrl(1), token); // gets the match, never joins
    const joined = next(present, 'joined', 'the present player joined');
    const left = next(present, 'left', 'the no-show verdict', 30_000);
    present.queue('duel.eu');
    const { encodeClientMessage } = await import('../../shared/protocol/index.js');
    absent.ws.send(encodeClientMessage({ type: 'queue', queue: 'duel.eu', party: [] }));
    await joined;
    const requeued = waitForClient(present, 'queued', (q) => q !== undefined, 're-queue', 30_000);
    expect((await left).reason).toMatch(/no_show/);
    expect((await requeued)!.queue).toBe('duel.eu');
    present.cancelQueue();
  });

  it('queues a party that its members accepted, keeps it on one team, and refuses one they did not', async () => {
    const [leader, member, x, y, outsider] = (await Promise.all(
      [0, 1, 0, 1, 0].map((g) => cluster.client([g])),
    )) as [ArenaClient, ArenaClient, ArenaClient, ArenaClient, ArenaClient];
    const refused = waitForClient(leader, 'error', (e) => e?.code === 'bad_request', 'refusal');
    leader.queue('duo.eu', [outsider.playerId]);
    expect((await refused)!.message).toMatch(/must accept first/);

    const accepted = next(member, 'partyAccepted', 'accept ack');
    member.acceptParty(leader.playerId);
    expect((await accepted).leader).toBe(leader.playerId);
    const memberQueued = next(member, 'queued', 'the member hears it is queued');
    const found = next(member, 'matchFound', 'the party is matched');
    leader.queue('duo.eu', [member.playerId]);
    expect((await memberQueued).queue).toBe('duo.eu');
    x.queue('duo.eu');
    y.queue('duo.eu');
    const { teams } = await found;
    expect(teams.some((t) => t.includes(leader.playerId) && t.includes(member.playerId))).toBe(true);
    expect(teams.flat().sort()).toEqual([leader.playerId, member.playerId, x.playerId, y.playerId].sort());
  });
});
