import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArenaClient } from '../../shared/client/index.js';
import { freeStablePort } from '../../infra/local/free-port.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { startNginxLoadBalancer, type RunningLoadBalancer } from '../helpers/nginx-load-balancer.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

let cluster: ArenaCluster;
let lb: RunningLoadBalancer;
const lbDir = join(process.env.TMPDIR ?? '/tmp', uniqueName('arena-lb'));

beforeAll(async () => {
  // Gateway 0 restarts on its port: keep that port out of the ephemeral range.
  cluster = await ArenaCluster.start({
    gateways: 2,
    roomServers: 1,
    gatewayEnv: [{ GATEWAY_PORT: String(await freeStablePort()) }],
  });
  lb = await startNginxLoadBalancer(
    cluster.gateways.map((g) => g.port),
    lbDir,
  );
}, 120_000);

afterAll(async () => {
  await lb?.process.stop(3_000);
  await cluster?.stop();
  rmSync(lbDir, { recursive: true, force: true });
}, 60_000);

const viaLb = () => cluster.clientAt([`ws://127.0.0.1:${lb.port}/ws`], `http://127.0.0.1:${lb.port}`);

/** Sends a move and resolves once the server has applied it (the client saw its ack). */
async function applied(client: ArenaClient): Promise<void> {
  const seq = client.sendInput({ mx: Math.random() - 0.5, my: Math.random() - 0.5 });
  await waitForClient(
    client,
    'state',
    () => client.ackedSeq >= seq,
    `${client.playerId}'s input ${seq} to be applied`,
  );
}

describe('nginx (infra/lb/nginx.conf) in front of two gateways', () => {
  it('spreads players across both gateways and keeps them playing through a gateway restart', async () => {
    // Guest login goes through the load balancer too (plain HTTP proxying).
    const clients: ArenaClient[] = [];
    for (let i = 0; i < 8; i++) clients.push(await viaLb());
    const on = (gw: string) => clients.filter((c) => c.gatewayId === gw);
    // least_conn: connections alternate between the gateways.
    expect(on('gw-0')).toHaveLength(4);
    expect(on('gw-1')).toHaveLength(4);

    const rooms = [uniqueName('lb-room'), uniqueName('lb-room')];
    await Promise.all(clients.map((c, i) => c.join(rooms[i % 2]!)));
    await Promise.all(clients.map(applied));

    // Restart gateway 0: SIGTERM closes its players with 1012 and its listener; their SDKs
    // reconnect to the same load-balancer URL, nginx finds gateway 0 refusing and sends them
    // to gateway 1, which puts them back in their seats.
    const moved = on('gw-0');
    const port0 = cluster.gateways[0]!.port;
    const resumed = moved.map((c) =>
      waitForClient(
        c,
        'joined',
        (j) => j?.resumed === true,
        `${c.playerId} to resume through the other gateway`,
      ),
    );
    await cluster.gateways[0]!.process.stop(5_000);
    const rejoined = await Promise.all(resumed);
    expect(rejoined.map((j) => j?.roomId)).toEqual(moved.map((c) => rooms[clients.indexOf(c) % 2]));
    expect(moved.map((c) => c.gatewayId)).toEqual(moved.map(() => 'gw-1'));
    await Promise.all(clients.map(applied)); // everyone still plays, the moved ones through gateway 1

    // Gateway 0 comes back on its port; once nginx's 2 s fail window passes, new players
    // reach it again (it has the fewest connections).
    await cluster.startGateway(0, { GATEWAY_PORT: String(port0) });
    const deadline = Date.now() + 15_000;
    let newcomer = await viaLb();
    while (newcomer.gatewayId !== 'gw-0' && Date.now() < deadline) {
      newcomer.close();
      await new Promise((r) => setTimeout(r, 250));
      newcomer = await viaLb();
    }
    expect(newcomer.gatewayId).toBe('gw-0');
    await newcomer.join(rooms[0]!);
    await applied(newcomer);
  });
});
