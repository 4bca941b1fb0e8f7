import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duplicateRedis } from '../../shared/redis/connect.js';
import { matchmakingKeys } from '../../shared/matchmaking/keys.js';
import type { ModeConfig } from '../../shared/matchmaking/modes.js';
import type { MatchmakingEvent } from '../../shared/matchmaking/types.js';
import { encodeClientMessage, ErrorCode, type ClientMessage } from '../../shared/protocol/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { value } from '../helpers/prometheus-text.js';
import { RawSocket } from '../helpers/raw-socket.js';

// A long join deadline: a matched player stays "in a match" for the whole test.
const duel: ModeConfig = {
  teams: 2,
  teamSize: 1,
  window: { initial: 100, perSecond: 100, exponent: 1, max: 400 },
  maxWaitMs: 60_000,
  joinDeadlineMs: 30_000,
  noShow: 'continue',
};
const AWAY_GRACE_MS = 500;

let cluster: ArenaCluster;
let events: Redis;
const published: MatchmakingEvent[] = [];

beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    matchmakers: 1,
    env: {
      MATCHMAKER_MODES: JSON.stringify({ duel, duo: { ...duel, teamSize: 2 } }),
      MATCHMAKER_REGIONS: 'eu,us,asia,sa',
      GATEWAY_QUEUE_AWAY_GRACE_MS: String(AWAY_GRACE_MS),
    },
    // Gateway 1 holds a disconnected player's ticket for a minute (the offline-match test).
    gatewayEnv: [{}, { AUTH_GUEST_LOGINS_PER_MIN: '3', GATEWAY_QUEUE_AWAY_GRACE_MS: '60000' }],
  });
  events = await duplicateRedis(cluster.redis, { name: 'test events' });
  events.on('message', (_c: string, m: string) => published.push(JSON.parse(m) as MatchmakingEvent));
  await events.subscribe(matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!).events);
});
afterAll(async () => {
  events?.disconnect();
  await cluster?.stop();
});

/** A bare connection (no SDK: nothing joins or queues on its own), welcomed. */
async function player(gateway = 0, token?: string): Promise<{ raw: RawSocket; token: string }> {
  token ??= (await cluster.guestToken(0)).token;
  const raw = await RawSocket.welcomed(cluster.gatewayUrl(gateway), token);
  return { raw, token };
}

const send = (raw: RawSocket, msg: ClientMessage) => raw.ws.send(encodeClientMessage(msg));
const queue = (raw: RawSocket, q: string) => send(raw, { type: 'queue', queue: q, party: [] });
const count = (raw: RawSocket, type: string) => raw.received.filter((m) => m.type === type).length;

async function gatewayMetric(gateway: number, name: string): Promise<number> {
  return value(await (await fetch(cluster.opsUrl(cluster.gateways[gateway]!, '/metrics'))).text(), name);
}

function published_(
  pred: (e: MatchmakingEvent) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<MatchmakingEvent> {
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const check = () => {
      const e = published.find(pred);
      if (e) {
        clearTimeout(deadline);
        events.off('message', check);
        resolve(e);
      }
    };
    events.on('message', check);
    check();
  });
}

describe('matchmaking rules: one ticket or seat per player', () => {
  // Regression (issue 12 item 6): a player could queue again right after match_found and land in two matches.
  it('refuses to queue a player whose match has not ended (already_matched)', async () => {
    const a = await player(0);
    const b = await player(1);
    queue(a.raw, 'duel.eu');
    queue(b.raw, 'duel.eu');
    await a.raw.until((s) => count(s, 'match_found') === 1, 'match_found');
    queue(a.raw, 'duel.eu');
    await a.raw.until(
      (s) => s.errors().length > 0 || count(s, 'queued') > 1,
      'an answer to the second queue',
    );
    expect(a.raw.errors().map((e) => e.type === 'error' && e.code)).toEqual([ErrorCode.AlreadyMatched]);
    expect(count(a.raw, 'queued')).toBe(1);
  });

  // Regression (issue 12 item 6): a second session could queue while the first was seated.
  it('refuses to queue a second session of a seated player (already_in_room)', async () => {
    const a = await player(0);
    const b = await player(0);
    queue(a.raw, 'duel.asia');
    queue(b.raw, 'duel.asia');
    await a.raw.until((s) => count(s, 'match_found') === 1, 'match_found');
    const found = a.raw.received.find((m) => m.type === 'match_found');
    const roomId = found?.type === 'match_found' ? found.roomId : '';
    send(a.raw, { type: 'join', roomId, options: { bots: 0 } });
    await a.raw.until((s) => count(s, 'joined') === 1, 'seated');
    // The same player on the other gateway queues before its seat is even looked up.
    const second = await RawSocket.open(cluster.gatewayUrl(1), a.token);
    queue(second, 'duel.asia');
    await second.until((s) => s.errors().length > 0 || count(s, 'queued') > 0, 'an answer to the queue');
    expect(second.errors().map((e) => e.type === 'error' && e.code)).toEqual([ErrorCode.AlreadyInRoom]);
  });
});

describe('matchmaking rules: parties', () => {
  // Regression (issue 12 item 6): a party acceptance could not be withdrawn.
  it('a withdrawn acceptance no longer lets the leader queue the player', async () => {
    const leader = await player(0);
    const member = await player(1);
    const id = (p: { raw: RawSocket }) => {
      const w = p.raw.received.find((m) => m.type === 'welcome');
      return w?.type === 'welcome' ? w.playerId : '';
    };
    send(member.raw, { type: 'party_accept', leader: id(leader) });
    await member.raw.until((s) => count(s, 'party_accepted') === 1, 'party_accepted');
    send(member.raw, { type: 'party_withdraw', leader: id(leader) });
    await member.raw.until((s) => count(s, 'party_withdrawn') === 1, 'party_withdrawn');
    send(leader.raw, { type: 'queue', queue: 'duo.eu', party: [id(member)] });
    await leader.raw.until((s) => s.errors().length > 0 || count(s, 'queued') > 0, 'an answer to the queue');
    const errors = leader.raw.errors();
    expect(errors.map((e) => e.type === 'error' && e.code)).toEqual([ErrorCode.BadRequest]);
    expect(errors[0]?.type === 'error' && errors[0].message).toContain(id(member));
  });
});

describe('matchmaking rules: disconnects and guest logins', () => {
  // Regression (issue 12 item 6): a disconnected player's ticket stayed and was matched into an empty room.
  it('cancels the ticket of a player who stays disconnected past the grace, counted', async () => {
    const before = await gatewayMetric(0, 'arena_gateway_tickets_cancelled_away_total');
    const a = await player(0);
    queue(a.raw, 'duel.us');
    await a.raw.until((s) => count(s, 'queued') === 1, 'queued');
    const welcome = a.raw.received.find((m) => m.type === 'welcome');
    const playerId = welcome?.type === 'welcome' ? welcome.playerId : '';
    a.raw.ws.close();
    const ended = await published_(
      (e) => e.type === 'queue_ended' && e.players.includes(playerId),
      'the ticket cancelled after the grace',
    );
    expect(ended.type === 'queue_ended' && ended.reason).toBe('disconnected');
    expect(await gatewayMetric(0, 'arena_gateway_tickets_cancelled_away_total')).toBe(before + 1);
    const mm = matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!);
    expect(await cluster.redis.exists(mm.player(playerId))).toBe(0);
  });

  it('keeps the ticket of a player who comes back within the grace (on another gateway)', async () => {
    const a = await player(0);
    queue(a.raw, 'duel.us');
    await a.raw.until((s) => count(s, 'queued') === 1, 'queued');
    a.raw.ws.close();
    const back = await player(1, a.token);
    await back.raw.until((s) => count(s, 'queued') === 1, 'told it is still queued');
    // Nothing is published when nothing happens: wait out several graces, then look.
    await new Promise((r) => setTimeout(r, AWAY_GRACE_MS * 4));
    const welcome = back.raw.received.find((m) => m.type === 'welcome');
    const playerId = welcome?.type === 'welcome' ? welcome.playerId : '';
    expect(published.some((e) => e.type === 'queue_ended' && e.players.includes(playerId))).toBe(false);
    const mm = matchmakingKeys(cluster.env.REDIS_KEY_PREFIX!);
    expect(await cluster.redis.hget(mm.player(playerId), 'state')).toBe('queued');
    send(back.raw, { type: 'cancel_queue' });
  });

  it('tells a player matched while offline of the match when they connect again', async () => {
    const a = await player(1);
    queue(a.raw, 'duel.sa');
    await a.raw.until((s) => count(s, 'queued') === 1, 'queued');
    const w = a.raw.received.find((m) => m.type === 'welcome');
    const playerId = w?.type === 'welcome' ? w.playerId : '';
    a.raw.ws.close();
    await a.raw.until((s) => s.closed !== undefined, 'closed');
    const b = await player(0);
    queue(b.raw, 'duel.sa');
    const found = await published_(
      (e) => e.type === 'match_found' && e.players.includes(playerId),
      'the match found while a is offline',
    );
    const back = await RawSocket.open(cluster.gatewayUrl(0), a.token);
    await back.until((s) => count(s, 'match_found') === 1, 'the match notice on connect');
    const notice = back.received.find((m) => m.type === 'match_found');
    expect(notice?.type === 'match_found' && notice.matchId).toBe(
      found.type === 'match_found' ? found.matchId : 'none',
    );
    expect(notice?.type === 'match_found' && notice.teams.flat().sort()).toEqual(
      found.type === 'match_found' ? found.players.slice().sort() : [],
    );
  });

  // Regression (issue 12 item 6): guest login had no rate limit.
  it('rate-limits guest logins per address (429), counted', async () => {
    const login = () => fetch(cluster.httpUrl(1, '/auth/guest'), { method: 'POST', body: '{}' });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login()).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(await gatewayMetric(1, 'arena_gateway_guest_logins_refused_total')).toBe(2);
  });
});
