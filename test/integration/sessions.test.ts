import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenService } from '../../apps/gateway/auth/tokens.js';
import { loadConfig } from '../../shared/config/index.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { value } from '../helpers/prometheus-text.js';
import { RawSocket, upgradeStatus } from '../helpers/raw-socket.js';

let cluster: ArenaCluster;
let tokens: TokenService;

beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 0 });
  tokens = new TokenService(loadConfig(cluster.env).auth.secret, 3600);
});
afterAll(() => cluster?.stop());

const connectStatus = (token: string) =>
  upgradeStatus(`${cluster.gatewayUrl(0)}?v=1&token=${encodeURIComponent(token)}`);

/** The resume token of the welcome a connection with `token` gets. */
async function resumeTokenFor(token: string): Promise<string> {
  const raw = await RawSocket.welcomed(cluster.gatewayUrl(0), token);
  const welcome = raw.received.find((m) => m.type === 'welcome');
  raw.ws.close();
  return welcome?.type === 'welcome' ? welcome.resumeToken : '';
}

/** `npm run arena -- revoke ...`, as ops would run it, against the cluster's Redis. */
function revoke(what: 'player' | 'session', id: string): void {
  const run = spawnSync('npx', ['tsx', 'apps/cli/arena.ts', 'revoke', what, id], {
    env: { ...process.env, ...cluster.env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toContain(`revoked ${what} ${id}`);
}

async function revokedCount(): Promise<number> {
  const text = await (await fetch(cluster.opsUrl(cluster.gateways[0]!, '/metrics'))).text();
  return value(text, 'arena_gateway_revoked_sessions_total');
}

describe('sessions: resume tokens and revocation', () => {
  it('the resume token of a welcome admits the player again, and never outlives the login', async () => {
    const { token } = await cluster.guestToken();
    const login = await tokens.verify(token);
    const resume = await resumeTokenFor(token);
    const resumed = await tokens.verify(resume);
    expect(resumed).toEqual({ ...login, kind: 'resume' });
    // Reconnecting with the resume token hands out another one of the same session.
    expect(await tokens.verify(await resumeTokenFor(resume))).toEqual(resumed);
  });

  it('a revoked player is refused at connect with the login and the resume token', async () => {
    const { playerId, token } = await cluster.guestToken();
    const resume = await resumeTokenFor(token);
    const before = await revokedCount();
    revoke('player', playerId);
    expect(await connectStatus(token)).toBe(401);
    expect(await connectStatus(resume)).toBe(401);
    expect(await revokedCount()).toBe(before + 2);
  });

  it('revoking one session leaves the player’s other sessions alone', async () => {
    const first = await tokens.issue({ playerId: 'p-two-sessions', name: 'Two' });
    const second = await tokens.issue({ playerId: 'p-two-sessions', name: 'Two' });
    const resume = await resumeTokenFor(first.token);
    revoke('session', (await tokens.verify(first.token)).sessionId);
    expect(await connectStatus(first.token)).toBe(401);
    expect(await connectStatus(resume)).toBe(401);
    expect(await connectStatus(second.token)).toBe(101);
  });
});
