import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../apps/gateway/auth/tokens.js';
import { loadConfig } from '../../shared/config/index.js';
import { CloseCode, encodeClientMessage, PROTOCOL_VERSION } from '../../shared/protocol/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { RawSocket, upgradeStatus } from '../helpers/raw-socket.js';
import { uniqueName } from '../helpers/services.js';

let cluster: ArenaCluster;
let secret: string;

// Gateway 0 serves guest logins, gateway 1 has them turned off; both share the token secret.
beforeAll(async () => {
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    gatewayEnv: [{}, { AUTH_GUEST_ENABLED: 'false' }],
  });
  secret = loadConfig(cluster.env).auth.secret;
});
afterAll(() => cluster?.stop());

/** The HTTP status of an upgrade that carries its token only in an Authorization header. */
function upgradeStatusWithHeader(gateway: number, authorization: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${cluster.gatewayUrl(gateway)}?v=${PROTOCOL_VERSION}`, {
      headers: { authorization },
    });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', reject);
  });
}

const welcomed = (raw: RawSocket) =>
  raw.until((s) => s.received.some((m) => m.type === 'welcome'), 'welcome');

async function pongs(raw: RawSocket, clientTime: number): Promise<void> {
  raw.ws.send(encodeClientMessage({ type: 'ping', clientTime }));
  await raw.until((s) => s.received.some((m) => m.type === 'pong' && m.clientTime === clientTime), 'pong');
}

describe('auth edges (real gateway and room server processes)', () => {
  it('guest login turned off (AUTH_GUEST_ENABLED=false) answers 404 and issues no token', async () => {
    const off = await fetch(cluster.httpUrl(1, '/auth/guest'), { method: 'POST', body: '{"name":"Ann"}' });
    expect(off.status).toBe(404);
    expect(await off.text()).toBe('guest login is disabled');
    // The same request to a gateway with guest login on gets a token, and that token (same
    // secret) is accepted by the gateway whose guest login is off.
    const on = await fetch(cluster.httpUrl(0, '/auth/guest'), { method: 'POST', body: '{"name":"Ann"}' });
    expect(on.status).toBe(200);
    const { token } = (await on.json()) as { token: string };
    expect(await upgradeStatus(`${cluster.gatewayUrl(1)}?v=1&token=${token}`)).toBe(101);
  });

  it('accepts a token in an Authorization: Bearer header at upgrade, and refuses a bad one (401)', async () => {
    const { token } = await cluster.guestToken(0);
    expect(await upgradeStatusWithHeader(0, `Bearer ${token}`)).toBe(101);
    expect(await upgradeStatusWithHeader(0, `Bearer ${token.slice(0, -4)}AAAA`)).toBe(401);
    // Only the Bearer scheme is read: the bare token or another scheme is no token at all.
    expect(await upgradeStatusWithHeader(0, token)).toBe(401);
    expect(await upgradeStatusWithHeader(0, `Basic ${token}`)).toBe(401);
  });

  it('refuses an expired token before the upgrade (401), in the query and in the header', async () => {
    // A login token signed with the gateways' own secret whose exp is a minute in the past.
    const { token, expiresAt } = await new TokenService(secret, -60).issue({
      playerId: 'p-expired',
      name: 'Old',
    });
    expect(expiresAt).toBeLessThan(Date.now() / 1000);
    expect(await upgradeStatus(`${cluster.gatewayUrl(0)}?v=1&token=${token}`)).toBe(401);
    expect(await upgradeStatusWithHeader(0, `Bearer ${token}`)).toBe(401);
    // The same login with a future exp is admitted: only the expiry differs.
    const fresh = await new TokenService(secret, 3600).issue({ playerId: 'p-expired', name: 'Old' });
    expect(await upgradeStatus(`${cluster.gatewayUrl(0)}?v=1&token=${fresh.token}`)).toBe(101);
  });

  it('a player connecting twice to one gateway: the first is closed with 4002, the second works', async () => {
    const { token } = await cluster.guestToken(0);
    const first = await RawSocket.open(cluster.gatewayUrl(0), token);
    await welcomed(first);
    const second = await RawSocket.open(cluster.gatewayUrl(0), token);
    await first.until((s) => s.closed !== undefined, 'the first connection closed');
    expect(first.closed).toEqual({ code: CloseCode.Superseded, reason: 'connected again elsewhere' });
    await welcomed(second);
    await pongs(second, 7);
    expect(second.closed).toBeUndefined();
  });

  it('a seated player connecting again on another gateway: the first is closed with 4002, the second has the seat', async () => {
    const { token } = await cluster.guestToken(0);
    const roomId = uniqueName('room');
    const first = await RawSocket.open(cluster.gatewayUrl(0), token);
    await welcomed(first);
    first.ws.send(encodeClientMessage({ type: 'join', roomId, options: { bots: 0 } }));
    await first.until((s) => s.received.some((m) => m.type === 'joined'), 'joined on gateway 0');

    const second = await RawSocket.open(cluster.gatewayUrl(1), token);
    await first.until((s) => s.closed !== undefined, 'the first connection closed');
    expect(first.closed).toEqual({ code: CloseCode.Superseded, reason: 'connected again elsewhere' });
    // The second connection is put back in the room (its seat) and gets the room's state.
    await second.until(
      (s) => s.received.some((m) => m.type === 'joined' && m.roomId === roomId),
      'joined again on gateway 1',
    );
    // ...and plays from there: its input moves it, and the room's state comes back.
    second.ws.send(encodeClientMessage({ type: 'input', seq: 1, input: { mx: 1, my: 0 } }));
    await second.until((s) => s.received.some((m) => m.type === 'state'), 'state on gateway 1');
    await pongs(second, 8);
    expect(second.closed).toBeUndefined();
  });
});
