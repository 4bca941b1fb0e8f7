import fc from 'fast-check';
import { SignJWT } from 'jose';
import { pack, Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientType, CloseCode, encodeClientMessage, ErrorCode } from '../../shared/protocol/index.js';
import type { ArenaClient } from '../../shared/client/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { RawSocket, upgradeStatus } from '../helpers/raw-socket.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

let cluster: ArenaCluster;
let bystander: ArenaClient;
let roomId: string;

// Gateway 0 has generous rate limits so the fuzzing itself is not cut off as a flood (and
// each test's guest login is not refused with 429); gateway 1 keeps the defaults for the flood test.
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    gatewayEnv: [
      { GATEWAY_RATE_PER_S: '10000', GATEWAY_RATE_BURST: '100000', AUTH_GUEST_LOGINS_PER_MIN: '1000' },
      {},
    ],
  });
  roomId = uniqueName('room');
  bystander = await cluster.client([0]);
  await bystander.join(roomId, { bots: 2 });
});
afterAll(() => cluster?.stop());

async function rawSocket(gateway: number): Promise<RawSocket> {
  const { token } = await cluster.guestToken(gateway);
  return RawSocket.open(cluster.gatewayUrl(gateway), token);
}

/** The gateway still serves HTTP, and the bystander in a room still gets state updates. */
async function othersUnaffected(gateway: number) {
  expect(await (await fetch(cluster.httpUrl(gateway, '/healthz'))).text()).toBe('ok');
  const tick = bystander.tick;
  await waitForClient(
    bystander,
    'state',
    () => bystander.tick > tick + 2,
    'the bystander to keep receiving state',
  );
}

describe('gateway under hostile input (real gateway and room server processes)', () => {
  it('answers random bytes with protocol errors and stays up', async () => {
    const raw = await rawSocket(0);
    await raw.until((s) => s.received.some((m) => m.type === 'welcome'), 'welcome');
    let sent = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), (bytes) => {
        raw.ws.send(bytes);
        sent++;
      }),
      { numRuns: 400 },
    );
    // Every frame gets an answer: an error for garbage, or (rarely) a valid message's reply.
    await raw.until((s) => s.received.length >= sent, `answers to ${sent} frames`);
    expect(raw.closed).toBeUndefined();
    expect(raw.errors().length).toBeGreaterThan(sent * 0.9);
    await othersUnaffected(0);
  });

  it('names truncated msgpack, unknown types and bad fields', async () => {
    const raw = await rawSocket(0);
    const input = encodeClientMessage({ type: 'input', seq: 1, input: { mx: 1, my: 0 } });
    raw.ws.send(input.subarray(0, input.length - 3));
    raw.ws.send(pack([77, 'what']));
    raw.ws.send(pack([ClientType.JoinRoom, 'x'.repeat(100)]));
    raw.ws.send(encodeClientMessage({ type: 'input', seq: 1, input: { mx: 1, my: 0 } })); // not in a room
    await raw.until((s) => s.errors().length >= 4, `four errors, got ${JSON.stringify(raw.received)}`);
    expect(raw.errors().map((e) => (e.type === 'error' ? e.code : ''))).toEqual([
      ErrorCode.BadFrame,
      ErrorCode.UnknownType,
      ErrorCode.BadRequest,
      ErrorCode.NotInRoom,
    ]);
    expect(raw.closed).toBeUndefined();
  });

  it('drops quietly an input that was in flight when its room was left (no not_in_room)', async () => {
    const raw = await rawSocket(0);
    raw.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
    await raw.until((s) => s.received.some((m) => m.type === 'joined'), 'joined');
    raw.ws.send(encodeClientMessage({ type: 'leave' }));
    raw.ws.send(encodeClientMessage({ type: 'input', seq: 9, input: { mx: 1, my: 0 } }));
    raw.ws.send(encodeClientMessage({ type: 'ping', clientTime: 7 }));
    // The gateway handles a connection's frames in order: the pong comes after the input.
    await raw.until((s) => s.received.some((m) => m.type === 'pong' && m.clientTime === 7), 'pong');
    expect(raw.errors()).toEqual([]);
  });

  it('keeps frames a client sends before its welcome, in order', async () => {
    const raw = await rawSocket(0); // resolves on open: the welcome is still being signed
    raw.ws.send(encodeClientMessage({ type: 'ping', clientTime: 1 }));
    raw.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
    for (const clientTime of [2, 3, 4, 5]) raw.ws.send(encodeClientMessage({ type: 'ping', clientTime }));
    await raw.until(
      (s) =>
        s.received.some((m) => m.type === 'joined') &&
        s.received.filter((m) => m.type === 'pong').length === 5,
      'joined and five pongs',
    );
    // The welcome first, then every pong in the order its ping was sent (the gateway answers
    // them itself), and the join (answered by the room server) went through too.
    expect(raw.received[0]?.type).toBe('welcome');
    const pongs = raw.received.flatMap((m) => (m.type === 'pong' ? [m.clientTime] : []));
    expect(pongs).toEqual([1, 2, 3, 4, 5]);
    expect(raw.received.filter((m) => m.type === 'joined')).toHaveLength(1);
    expect(raw.errors()).toEqual([]);
  });

  it('refuses a small input frame built of shared references instead of expanding it onto the link', async () => {
    const raw = await rawSocket(0);
    raw.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
    await raw.until((s) => s.received.some((m) => m.type === 'joined'), 'joined');
    // 22 levels of [x, x] with msgpackr's shared references: ~320 bytes that re-encoded as
    // plain data become a ~90 MB link frame (this stalled a gateway and cut its link).
    let value: unknown = 'x'.repeat(20);
    for (let i = 0; i < 22; i++) value = [value, value];
    const frame = new Packr({ structuredClone: true, useRecords: false }).pack([ClientType.Input, 1, value]);
    expect(frame.length).toBeLessThan(400);
    raw.ws.send(frame);
    raw.ws.send(encodeClientMessage({ type: 'ping', clientTime: 99 }));
    await raw.until((s) => s.received.some((m) => m.type === 'pong' && m.clientTime === 99), 'pong');
    expect(raw.errors().map((e) => (e.type === 'error' ? e.code : ''))).toEqual([ErrorCode.BadFrame]);
    expect(raw.closed).toBeUndefined();
    await othersUnaffected(0); // the gateway's link to the room server is still up
  });

  it('rejects invalid game input inside a room without applying it', async () => {
    const raw = await rawSocket(0);
    // Alone in a room of its own (no bots to tag it away): only its own input moves it.
    raw.ws.send(encodeClientMessage({ type: 'join', roomId: uniqueName('room'), options: { bots: 0 } }));
    await raw.until((s) => s.received.some((m) => m.type === 'joined'), 'joined');
    const joined = raw.received.find((m) => m.type === 'joined')!;
    if (joined.type !== 'joined') throw new Error('unreachable');
    const me = `p:${joined.you}`;
    const start = joined.entities[me] as { x: number; y: number };
    raw.ws.send(encodeClientMessage({ type: 'input', seq: 1, input: { mx: 1e9, my: 0 } }));
    raw.ws.send(encodeClientMessage({ type: 'input', seq: 2, input: { x: 10, y: 10, s: 999 } }));
    // Both are acknowledged in the tick that would have applied them, in that tick's state
    // (and answered with one bad_input: one error per 16 bad inputs).
    const acked = (seq: number) => (s: RawSocket) =>
      s.received.some((m) => m.type === 'state' && (m.acks[joined.you] ?? 0) >= seq);
    await raw.until(acked(2), 'the bad inputs acknowledged');
    // Then a valid input: straight up or down (away from the nearer wall), never sideways.
    const my = start.y > 300 ? -1 : 1;
    raw.ws.send(encodeClientMessage({ type: 'input', seq: 3, input: { mx: 0, my } }));
    const moves = () =>
      raw.received.flatMap((m) =>
        m.type === 'state' && m.changed[me] ? [m.changed[me] as { x?: number; y?: number }] : [],
      );
    await raw.until(() => moves().length > 0, 'the player moved by its valid input');
    // The first move is the valid input's (x as it was, y toward the middle): the rejected
    // inputs (mx 1e9 would have driven it into the right wall) never moved it.
    const [first] = moves();
    expect(first!.x ?? start.x).toBe(start.x);
    expect(Math.sign((first!.y ?? start.y) - start.y)).toBe(my);
    expect(raw.errors(ErrorCode.BadInput)).toHaveLength(1);
    await othersUnaffected(0);
  });

  it('closes a connection that sends an oversized frame (1009), and cuts off a huge one at once', async () => {
    const raw = await rawSocket(0);
    raw.ws.send(new Uint8Array(5_000)); // over the 4096-byte default limit
    await raw.until((s) => s.closed !== undefined, 'close');
    expect(raw.closed).toEqual({ code: CloseCode.MessageTooBig, reason: 'frame over 4096 bytes' });

    const huge = await rawSocket(0);
    huge.ws.send(new Uint8Array(4 * 1024 * 1024)); // over the hard cap: never buffered whole
    await huge.until((s) => s.closed !== undefined, 'close');
    expect(huge.closed?.code).toBe(1006);
    await othersUnaffected(0);
  });

  it('rate-limits a flood, then disconnects it (4003)', async () => {
    const raw = await rawSocket(1);
    // After the welcome: before it, a burst is cut off even sooner (32 early frames at most).
    await raw.until((s) => s.received.some((m) => m.type === 'welcome'), 'welcome');
    const ping = encodeClientMessage({ type: 'ping', clientTime: 1 });
    for (let i = 0; i < 1000 && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(ping);
    await raw.until((s) => s.closed !== undefined, 'close');
    expect(raw.errors(ErrorCode.RateLimited).length).toBeGreaterThanOrEqual(1);
    expect(raw.closed?.code).toBe(CloseCode.Flood);
    expect(await (await fetch(cluster.httpUrl(1, '/healthz'))).text()).toBe('ok');
    await othersUnaffected(0);
  });

  it('refuses upgrades without a valid token or with an unsupported protocol version', async () => {
    const url = cluster.gatewayUrl(0);
    const { token } = await cluster.guestToken(0);
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('g-admin')
      .setIssuer('arena')
      .setAudience('arena-gateway')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-server-secret-at-all-0123456789'));
    expect(await upgradeStatus(`${url}?v=1`)).toBe(401);
    expect(await upgradeStatus(`${url}?v=1&token=${forged}`)).toBe(401);
    expect(await upgradeStatus(`${url}?v=99&token=${token}`)).toBe(426);
    expect(await upgradeStatus(`${url}?v=1&token=${token}`)).toBe(101);
  });

  it('refuses a malformed guest login', async () => {
    const post = (body: string) => fetch(cluster.httpUrl(0, '/auth/guest'), { method: 'POST', body });
    expect((await post('{"name": "<script>"}')).status).toBe(400);
    expect((await post('not json')).status).toBe(400);
    expect((await post(`{"name":"${'a'.repeat(2000)}"}`)).status).toBe(413);
    expect((await post('{"name":"Ann"}')).status).toBe(200);
  });
});
