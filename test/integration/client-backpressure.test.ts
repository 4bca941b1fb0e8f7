import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeClientMessage, type ServerMessage } from '../../shared/protocol/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { value } from '../helpers/prometheus-text.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { rankingsOn, resultOf } from '../helpers/rankings.js';
import { uniqueName } from '../helpers/services.js';

// A client that stops reading, over real sockets: its WebSocket is paused (the kernel buffers
// fill, then the gateway's own), while it keeps asking for a leaderboard page of 100
// standings, whose answers (several KB each) are what fills them. The rate limit is raised
// so that the requests are not a flood.
const FAST_PINGS = { GATEWAY_RATE_PER_S: '10000', GATEWAY_RATE_BURST: '100000' };

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    gatewayEnv: [
      // gw-0: slow past 1 KiB buffered, never cut off in this test.
      { ...FAST_PINGS, GATEWAY_SLOW_CLIENT_BYTES: '1024', GATEWAY_MAX_BACKPRESSURE_BYTES: '268435456' },
      // gw-1: cut off past 64 KiB buffered.
      { ...FAST_PINGS, GATEWAY_SLOW_CLIENT_BYTES: '1024', GATEWAY_MAX_BACKPRESSURE_BYTES: '65536' },
    ],
  });
  // A board of 100 players with long names: each top-100 page is several KB.
  const { ratings } = rankingsOn(cluster.redis, cluster.env.REDIS_KEY_PREFIX!);
  for (let i = 0; i < 50; i++) {
    const name = (side: string) => `${side}-${i}-${'x'.repeat(40)}`;
    await ratings.apply(resultOf(`bp-${i}`, [[name('w')], [name('l')]]), Date.now());
  }
}, 120_000);
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
afterAll(() => cluster?.stop(), 60_000);

async function metric(gateway: number, name: string): Promise<number> {
  const text = await (await fetch(cluster.opsUrl(cluster.gateways[gateway]!, '/metrics'))).text();
  return value(text, name);
}

/**
 * A raw client seated in a fresh room, moving left and right every 25 ms: each tick acks an
 * input, so each tick has a state update for it (no bots: the room must not end mid-test).
 */
async function seatedClient(gateway: number): Promise<{ raw: RawSocket; roomId: string }> {
  const { token } = await cluster.guestToken(gateway);
  const raw = await RawSocket.welcomed(cluster.gatewayUrl(gateway), token);
  const roomId = uniqueName('bp');
  raw.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
  await raw.until((s) => s.received.some((m) => m.type === 'joined'), 'joined');
  let seq = 0;
  const mover = setInterval(() => {
    if (raw.closed) return clearInterval(mover);
    seq++;
    raw.ws.send(encodeClientMessage({ type: 'input', seq, input: { mx: seq % 20 < 10 ? 1 : -1, my: 0 } }));
  }, 25);
  cleanups.push(() => clearInterval(mover));
  await raw.until((s) => s.received.filter((m) => m.type === 'state').length >= 5, 'five state updates');
  return { raw, roomId };
}

/**
 * Asks for the top-100 page within the raised rate limit (a burst, then 2,000 a second)
 * until `done` holds, checked twice a second; fails with `what` after timeoutMs.
 */
async function askUntil(
  raw: RawSocket,
  done: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<number> {
  let sent = 0;
  const ask = (n: number) => {
    for (let i = 0; i < n; i++)
      raw.ws.send(
        encodeClientMessage({
          type: 'leaderboard',
          requestId: ++sent,
          query: { kind: 'top', offset: 0, limit: 100 },
        }),
      );
  };
  ask(2_000);
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms (${sent} requests) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
    if (raw.closed === undefined) ask(1_000);
  }
  return sent;
}

const states = (msgs: ServerMessage[]) => msgs.flatMap((m) => (m.type === 'state' ? [m.tick] : []));

describe('gateway backpressure on a client that stops reading (real sockets)', () => {
  it(
    'skips its state updates while it is behind, then sends it a fresh snapshot once it drained',
    { timeout: 150_000 },
    async () => {
      const { raw, roomId } = await seatedClient(0);
      const skippedBefore = await metric(0, 'arena_gateway_skipped_state_frames_total');
      raw.ws.pause();
      const lastTickBefore = Math.max(...states(raw.received));
      const asked = await askUntil(
        raw,
        async () => (await metric(0, 'arena_gateway_skipped_state_frames_total')) - skippedBefore >= 20,
        'the gateway to skip 20 state updates for the paused client',
      );
      const skipped = (await metric(0, 'arena_gateway_skipped_state_frames_total')) - skippedBefore;
      const mark = raw.received.length;

      raw.ws.resume();
      await raw.until(
        (s) => s.received.slice(mark).some((m) => m.type === 'joined' && m.resumed),
        'a fresh snapshot (joined, resumed) once the client drained',
        30_000,
      );
      const after = raw.received.slice(mark);
      const snapshot = after.find((m) => m.type === 'joined')!;
      expect(snapshot).toMatchObject({ type: 'joined', roomId, resumed: true });
      // Everything it missed is in the snapshot: it is newer than any update it got, and more
      // than `skipped` ticks passed since the last update before the pause.
      const snapshotTick = snapshot.type === 'joined' ? snapshot.tick : 0;
      expect(snapshotTick).toBeGreaterThan(lastTickBefore + skipped);
      for (const tick of states(raw.received.slice(0, raw.received.indexOf(snapshot))))
        expect(tick).toBeLessThan(snapshotTick);
      // Every request was answered (only state updates are skipped), and updates flow again.
      await raw.until(
        (s) => s.received.filter((m) => m.type === 'leaderboard').length === asked,
        `answers to all ${asked} leaderboard requests`,
        30_000,
      );
      const answers = raw.received.filter((m) => m.type === 'leaderboard');
      // (Whether each is a page or a 503 for a Redis slow under this burst is not the point here.)
      expect(new Set(answers.map((m) => (m.type === 'leaderboard' ? m.requestId : 0))).size).toBe(asked);
      await raw.until(
        (s) => states(s.received.slice(s.received.indexOf(snapshot))).some((t) => t > snapshotTick),
        'state updates after the snapshot',
      );
      expect(raw.closed).toBeUndefined();
      expect(raw.errors()).toEqual([]);
      raw.ws.close();
    },
  );

  it(
    'disconnects a client whose buffer passes GATEWAY_MAX_BACKPRESSURE_BYTES, and only that client',
    { timeout: 150_000 },
    async () => {
      const healthy = await cluster.client([1]);
      const { raw } = await seatedClient(1);
      expect(await metric(1, 'arena_gateway_connections')).toBe(2);
      raw.ws.pause();
      await askUntil(
        raw,
        async () => (await metric(1, 'arena_gateway_connections')) === 1,
        'gw-1 to close the paused client',
      );
      raw.ws.resume();
      await raw.until((s) => s.closed !== undefined, 'the paused client to see its connection closed');
      expect(raw.closed!.code).not.toBe(1000);
      // The healthy client on the same gateway still has its connection and answers.
      expect(healthy.gatewayId).toBe('gw-1');
      await expect(healthy.ping()).resolves.toBeGreaterThanOrEqual(0);
      healthy.close();
    },
  );
});
