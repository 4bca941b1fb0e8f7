import { createServer, connect, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PENDING_FRAMES, RoomLinkPool } from '../../../apps/gateway/room-link-pool.js';
import { GatewayLinkServer } from '../../../apps/room-server/gateway-link-server.js';
import { FrameReader, lengthPrefix } from '../../../shared/link/frame-reader.js';
import { linkProof } from '../../../shared/link/link-auth.js';
import {
  encodeGatewayToRoom,
  encodeRoomToGateway,
  parseGatewayToRoom,
  parseRoomToGateway,
  type GatewayToRoom,
  type RoomToGateway,
} from '../../../shared/protocol/index.js';
import { pollUntil } from '../../helpers/wait-for.js';

// Both ends of the gateway <-> room-server link over real TCP sockets on 127.0.0.1: a peer
// that stops reading is a paused socket, so the kernel buffers fill as they would in production.

interface LogLine {
  msg: string;
  [k: string]: unknown;
}
function recordingLogger() {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) });
  return { log, lines };
}

const SECRET = 'the-link-secret-of-this-test-0123456789';
/** The stand-in room server's challenge (a real one sends fresh random bytes). */
const NONCE = new Uint8Array(32).fill(5);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

/** A room server stand-in that records every frame the gateway sends, in order. */
async function recordingRoomServer(options: { paused?: boolean } = {}) {
  const frames: GatewayToRoom[] = [];
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    const reader = new FrameReader(
      1 << 20,
      (f) => frames.push(parseGatewayToRoom(f)!),
      () => socket.destroy(),
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.write(lengthPrefix(encodeRoomToGateway({ type: 'challenge', nonce: NONCE })));
    if (options.paused) socket.pause();
  });
  const port = await listen(server);
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((r) => server.close(r));
  });
  return { frames, sockets, address: `127.0.0.1:${port}` };
}

const noHandler = { onMessage: () => {}, onLinkLost: () => {} };
const input = (seq: number, input: unknown = 0): GatewayToRoom => ({
  type: 'input',
  roomId: 'r1',
  playerId: 'p1',
  seq,
  input,
});

describe('room-link pool (gateway side) under backpressure', () => {
  it(`holds at most ${MAX_PENDING_FRAMES} frames while connecting, counts and logs the drop, then delivers the held ones in order`, async () => {
    const room = await recordingRoomServer();
    const { log, lines } = recordingLogger();
    const pool = new RoomLinkPool('gw-t', SECRET, 1 << 20, 5_000, noHandler, log);
    cleanups.push(() => pool.closeAll());
    const server = { id: 'rs-t', address: room.address };

    // All in one turn of the event loop: the link cannot have connected yet.
    const accepted: boolean[] = [];
    for (let seq = 1; seq <= MAX_PENDING_FRAMES + 5; seq++) accepted.push(pool.send(server, input(seq)));
    expect(accepted.filter(Boolean)).toHaveLength(MAX_PENDING_FRAMES);
    expect(accepted.slice(MAX_PENDING_FRAMES)).toEqual([false, false, false, false, false]);
    expect(pool.droppedFrames).toBe(5);
    expect(lines.filter((l) => l.msg === 'frame for a room server dropped: link full')).toEqual([
      expect.objectContaining({ serverId: 'rs-t', connected: false, dropped: 1 }),
    ]);

    // Once connected: hello first, then every held frame, in order; nothing else.
    await pollUntil(
      () => (room.frames.length >= MAX_PENDING_FRAMES + 1 ? true : undefined),
      'the held frames to reach the room server',
      10_000,
      20,
      () => `${room.frames.length} arrived`,
    );
    expect(room.frames[0]).toEqual({
      type: 'hello',
      gatewayId: 'gw-t',
      proof: linkProof(SECRET, NONCE, 'gw-t'),
    });
    const seqs = room.frames.slice(1).map((f) => (f.type === 'input' ? f.seq : -1));
    expect(seqs).toEqual(Array.from({ length: MAX_PENDING_FRAMES }, (_, i) => i + 1));
    expect(pool.send(server, input(MAX_PENDING_FRAMES + 6))).toBe(true);
  });

  it('refuses frames once a room server stops reading and its buffer is full, counts each, and sends again once it reads', async () => {
    const room = await recordingRoomServer({ paused: true });
    const { log, lines } = recordingLogger();
    const maxBuffered = 64 * 1024;
    const pool = new RoomLinkPool('gw-t', SECRET, maxBuffered, 5_000, noHandler, log);
    cleanups.push(() => pool.closeAll());
    const server = { id: 'rs-slow', address: room.address };
    const payload = 'x'.repeat(16 * 1024);

    // One frame per turn of the event loop (as inputs arrive), until the link refuses one.
    let sent = 0;
    let refused = 0;
    for (let i = 0; i < 20_000 && refused < 3; i++) {
      if (pool.send(server, input(i + 1, payload))) sent++;
      else refused++;
      await new Promise((r) => setImmediate(r));
    }
    expect(refused, `refused frames after ${sent} accepted`).toBe(3);
    expect(pool.droppedFrames).toBe(3);
    // Only after the kernel's buffers filled: far more than the user-space limit was accepted.
    expect(sent * payload.length).toBeGreaterThan(maxBuffered);
    const drops = lines.filter((l) => l.msg === 'frame for a room server dropped: link full');
    expect(drops[0]).toMatchObject({ serverId: 'rs-slow', connected: true, dropped: 1 });

    // The room server reads again: every accepted frame arrives (nothing lost silently), and
    // the link accepts frames again once it drained.
    for (const s of room.sockets) s.resume();
    await pollUntil(
      () => (room.frames.length >= sent + 1 ? true : undefined),
      'the accepted frames to arrive once the room server reads',
      20_000,
      20,
      () => `${room.frames.length - 1} of ${sent} arrived`,
    );
    expect(room.frames.length).toBe(sent + 1);
    await pollUntil(
      () => (pool.send(server, input(99_999)) ? true : undefined),
      'the link to accept a frame again',
      10_000,
    );
    expect(pool.droppedFrames).toBeGreaterThanOrEqual(3);
  });
});

describe('gateway-link server (room-server side) under backpressure', () => {
  it('cuts off a gateway that stops reading once its buffer passes the limit: counted, logged, its players released', async () => {
    const { log, lines } = recordingLogger();
    const gone: string[] = [];
    const links = new GatewayLinkServer(
      { secret: SECRET, maxBufferedBytes: 64 * 1024 },
      { onMessage: () => {}, onGatewayGone: (g) => gone.push(g) },
      log,
    );
    const port = await links.listen('127.0.0.1', 0);
    cleanups.push(() => links.close());

    // A gateway that says hello, then never reads.
    const gateway = connect(port, '127.0.0.1');
    cleanups.push(() => gateway.destroy());
    const nonce = await new Promise<Uint8Array>((resolve) => {
      const reader = new FrameReader(
        1 << 20,
        (f) => {
          const msg = parseRoomToGateway(f);
          if (msg?.type === 'challenge') resolve(msg.nonce);
        },
        () => gateway.destroy(),
      );
      gateway.on('data', (chunk: Buffer) => reader.push(chunk));
    });
    const proof = linkProof(SECRET, nonce, 'gw-slow');
    gateway.write(lengthPrefix(encodeGatewayToRoom({ type: 'hello', gatewayId: 'gw-slow', proof })));
    gateway.pause();
    let closed = false;
    gateway.on('close', () => (closed = true));
    await pollUntil(() => (links.linkCount === 1 ? true : undefined), 'the gateway to be linked');

    // A tick's state for this gateway's players, every turn, until the link is cut.
    const deliver: RoomToGateway = {
      type: 'deliver',
      playerIds: ['p1', 'p2'],
      frame: new Uint8Array(16 * 1024).fill(7),
    };
    let ticks = 0;
    while (links.droppedSlowLinks === 0 && ticks < 20_000) {
      links.send('gw-slow', deliver);
      ticks++;
      await new Promise((r) => setImmediate(r));
    }
    expect(links.droppedSlowLinks, `link still up after ${ticks} frames`).toBe(1);
    expect(ticks * 16 * 1024).toBeGreaterThan(64 * 1024); // kernel buffers first, then the limit
    expect(lines.find((l) => l.msg === 'gateway link over its buffer limit: dropping it')).toMatchObject({
      gatewayId: 'gw-slow',
    });
    await pollUntil(() => (gone.length > 0 ? true : undefined), 'the gateway to be reported gone');
    expect(gone).toEqual(['gw-slow']);
    expect(links.linkCount).toBe(0);
    expect(lines.find((l) => l.msg === 'gateway link closed')).toMatchObject({
      gatewayId: 'gw-slow',
      reason: 'slow consumer',
    });
    // Sends to it now go nowhere and do not count again.
    links.send('gw-slow', deliver);
    expect(links.droppedSlowLinks).toBe(1);
    gateway.resume();
    await pollUntil(() => (closed ? true : undefined), 'the gateway to see its link closed');
  });
});
