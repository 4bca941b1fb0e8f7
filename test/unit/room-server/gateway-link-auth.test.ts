import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RoomLinkPool, type RoomLinkMessage } from '../../../apps/gateway/room-link-pool.js';
import { GatewayLinkServer } from '../../../apps/room-server/gateway-link-server.js';
import { FrameReader, lengthPrefix } from '../../../shared/link/frame-reader.js';
import { linkProof } from '../../../shared/link/link-auth.js';
import { createLogger } from '../../../shared/log/logger.js';
import {
  encodeFrame,
  encodeGatewayToRoom,
  LinkType,
  parseRoomToGateway,
  type GatewayToRoom,
} from '../../../shared/protocol/index.js';

const SECRET = 'the-link-secret-of-this-test-0123456789';
const log = createLogger('test', 'link-auth', 'silent');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function deadline<T>(p: Promise<T>, what: string, ms = 5_000): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
}

/** A room server's link listener on loopback, recording what reaches its rooms. */
async function roomServer(helloTimeoutMs?: number) {
  const received: { gatewayId: string; msg: GatewayToRoom }[] = [];
  const gone: string[] = [];
  const waiters: (() => void)[] = [];
  const server = new GatewayLinkServer(
    { secret: SECRET, maxBufferedBytes: 1 << 20, helloTimeoutMs },
    {
      onMessage: (gatewayId, msg) => {
        received.push({ gatewayId, msg });
        for (const w of waiters.splice(0)) w();
      },
      onGatewayGone: (gatewayId) => gone.push(gatewayId),
    },
    log,
  );
  const port = await server.listen('127.0.0.1', 0);
  cleanups.push(() => server.close());
  const messageFrom = (gatewayId: string, playerId: string) =>
    deadline(
      new Promise<void>((resolve) => {
        const check = () =>
          received.some(
            (r) => r.gatewayId === gatewayId && 'playerId' in r.msg && r.msg.playerId === playerId,
          )
            ? resolve()
            : waiters.push(check);
        check();
      }),
      `a message for ${playerId} from ${gatewayId}`,
    );
  return { server, port, received, gone, messageFrom, info: { id: 'rs-1', address: `127.0.0.1:${port}` } };
}

/** A real gateway-side link pool, with the given secret. */
function gatewayPool(gatewayId: string, secret: string) {
  const lost: boolean[] = [];
  const messages: RoomLinkMessage[] = [];
  let linkLost!: () => void;
  const lostOnce = new Promise<void>((resolve) => (linkLost = resolve));
  const pool = new RoomLinkPool(
    gatewayId,
    secret,
    1 << 20,
    2_000,
    {
      onMessage: (_, msg) => messages.push(msg),
      onLinkLost: (_, connected) => {
        lost.push(connected);
        linkLost();
      },
    },
    log,
  );
  cleanups.push(() => pool.closeAll());
  return { pool, lost, messages, lostOnce };
}

/** A raw TCP peer that speaks the link framing, for what a real gateway would never send. */
async function rawPeer(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  cleanups.push(() => socket.destroy());
  const frames: Buffer[] = [];
  const reader = new FrameReader(
    1 << 20,
    (f) => frames.push(Buffer.from(f)),
    () => socket.destroy(),
  );
  socket.on('data', (d: Buffer) => reader.push(d));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const challenge = await deadline(
    new Promise<Uint8Array>((resolve) => {
      socket.on('data', () => {
        const msg = frames[0] && parseRoomToGateway(frames[0]);
        if (msg?.type === 'challenge') resolve(msg.nonce);
      });
    }),
    'the challenge',
  );
  return { socket, challenge, closed, send: (frame: Uint8Array) => socket.write(lengthPrefix(frame)) };
}

const join = (playerId: string): GatewayToRoom => ({
  type: 'join',
  roomId: 'room-1',
  playerId,
  options: { bots: 0 },
});

describe('gateway links prove LINK_SECRET (challenge and HMAC at hello)', () => {
  it('an authenticated gateway links and its frames reach the rooms', async () => {
    const rs = await roomServer();
    const gw = gatewayPool('gw-1', SECRET);
    gw.pool.send(rs.info, join('p1'));
    await rs.messageFrom('gw-1', 'p1');
    expect(rs.server.linkCount).toBe(1);
    expect(rs.server.refusedLinks).toBe(0);
  });

  it('refuses a hello without a proof, and nothing it sends after reaches a room', async () => {
    const rs = await roomServer();
    const peer = await rawPeer(rs.port);
    peer.send(encodeFrame([LinkType.Hello, 'gw-1'])); // the hello of before: no proof
    peer.send(encodeGatewayToRoom(join('p1')));
    await deadline(peer.closed, 'the link to be closed');
    expect(rs.server.refusedLinks).toBe(1);
    expect(rs.received).toEqual([]);
    expect(rs.server.linkCount).toBe(0);
  });

  it('refuses a gateway with the wrong secret', async () => {
    const rs = await roomServer();
    const gw = gatewayPool('gw-1', 'a-wrong-secret-that-is-also-long-enough-0000');
    gw.pool.send(rs.info, join('p1'));
    await deadline(gw.lostOnce, 'the wrong-secret link to drop');
    expect(rs.server.refusedLinks).toBe(1);
    expect(rs.received).toEqual([]);
  });

  it('makes a forged seat impossible: no proof, a replayed proof or a proof for another id seats nobody', async () => {
    const rs = await roomServer();
    const real = gatewayPool('gw-1', SECRET);
    real.pool.send(rs.info, join('p1'));
    await rs.messageFrom('gw-1', 'p1');

    // A proof recorded from one connection is worthless on another (a new nonce each time).
    const first = await rawPeer(rs.port);
    const replayed = linkProof(SECRET, first.challenge, 'gw-1');
    const replay = await rawPeer(rs.port);
    replay.send(encodeGatewayToRoom({ type: 'hello', gatewayId: 'gw-1', proof: replayed }));
    replay.send(encodeGatewayToRoom({ type: 'leave', roomId: 'room-1', playerId: 'p1' }));
    // A valid proof for gw-2 cannot claim gw-1.
    const other = await rawPeer(rs.port);
    other.send(
      encodeGatewayToRoom({
        type: 'hello',
        gatewayId: 'gw-1',
        proof: linkProof(SECRET, other.challenge, 'gw-2'),
      }),
    );
    other.send(encodeGatewayToRoom(join('p1')));
    await deadline(Promise.all([replay.closed, other.closed]), 'both forged links to be closed');

    expect(rs.server.refusedLinks).toBe(2);
    expect(rs.received.map((r) => [r.gatewayId, r.msg.type])).toEqual([['gw-1', 'join']]);
    // The real gateway's link was not replaced: it still carries frames.
    real.pool.send(rs.info, join('p2'));
    await rs.messageFrom('gw-1', 'p2');
    expect(real.lost).toEqual([]);
    expect(rs.gone).toEqual([]);
  });

  it('a new authenticated link for the same gateway id replaces the stale one', async () => {
    const rs = await roomServer();
    const old = gatewayPool('gw-1', SECRET);
    old.pool.send(rs.info, join('p1'));
    await rs.messageFrom('gw-1', 'p1');
    const restarted = gatewayPool('gw-1', SECRET);
    restarted.pool.send(rs.info, join('p2'));
    await rs.messageFrom('gw-1', 'p2');
    await deadline(old.lostOnce, 'the stale link to be closed');
    expect(rs.server.linkCount).toBe(1);
    expect(rs.gone).toEqual([]); // replaced, not gone: its players stay seated
  });

  it('cuts off a peer that connects and never says hello', async () => {
    const rs = await roomServer(200);
    const peer = await rawPeer(rs.port);
    await deadline(peer.closed, 'the silent link to be closed');
    expect(rs.server.refusedLinks).toBe(1);
  });
});
