import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FD_HEADROOM } from '../../apps/gateway/fd-limit.js';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { samples } from '../helpers/prometheus-text.js';
import { RawSocket } from '../helpers/raw-socket.js';
import { within } from '../helpers/wait-for.js';

// Issue 12 item 5: with the process's open-files limit near its connection cap, the gateway
// spun at EMFILE in accept() and /healthz stopped answering. Started with `ulimit -n 200`
// (prlimit), it must refuse upgrades with 503 at 200 - headroom and keep its ops port alive.
const OPEN_FILES = 200;
const CAP = OPEN_FILES - FD_HEADROOM;

let cluster: ArenaCluster;
beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 0, roomServers: 0 });
  await cluster.startGateway(0, {}, { openFiles: OPEN_FILES });
}, 120_000);
afterAll(() => cluster?.stop(), 60_000);

/** The HTTP status a WebSocket upgrade was refused with, or 101 if it opened. */
function upgradeStatus(token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = `${cluster.gatewayUrl(0)}?v=${PROTOCOL_VERSION}&token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('gateway at its file-descriptor limit', () => {
  it('refuses upgrades with 503 past fd limit - headroom, keeps /healthz and /metrics answering', async () => {
    const tokens = await Promise.all(Array.from({ length: CAP + 1 }, () => cluster.guestToken(0)));
    const sockets: RawSocket[] = [];
    for (const { token } of tokens.slice(0, CAP)) {
      const s = await RawSocket.welcomed(cluster.gatewayUrl(0), token);
      sockets.push(s);
    }
    const last = tokens[CAP]!.token;
    // One more than the cap: a clear 503, several times over (no spinning, no half-open socket).
    for (let i = 0; i < 3; i++) expect(await upgradeStatus(last)).toBe(503);

    const health = await within(fetch(cluster.opsUrl(cluster.gateways[0]!, '/healthz')), '/healthz');
    expect(health.status).toBe(200);
    const metrics = await within(fetch(cluster.opsUrl(cluster.gateways[0]!, '/metrics')), '/metrics');
    expect(samples(await metrics.text()).get('arena_gateway_full_refusals_total')).toBe(3);

    // A freed place is usable again: the cap counts live connections, not connections ever made.
    sockets.pop()!.ws.close();
    await within(
      (async () => {
        while ((await upgradeStatus(last)) !== 101) await new Promise((r) => setTimeout(r, 50));
      })(),
      'a connection once a place was freed',
    );
    for (const s of sockets) s.ws.close();
  }, 120_000);
});
