import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArenaClient } from '../../shared/client/index.js';
import { freeStablePort } from '../../infra/local/free-port.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { startHaproxyLoadBalancer } from '../helpers/haproxy-load-balancer.js';
import { startNginxLoadBalancer, type RunningLoadBalancer } from '../helpers/nginx-load-balancer.js';
import { value } from '../helpers/prometheus-text.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

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

/** Gateway 0 takes this many players, then answers upgrades with 503 ("full: try another"). */
const GATEWAY_0_CAPACITY = 4;

const LOAD_BALANCERS: [string, (ports: number[], dir: string) => Promise<RunningLoadBalancer>][] = [
  ['nginx (infra/lb/nginx.conf)', startNginxLoadBalancer],
  ['HAProxy (infra/lb/haproxy.cfg)', startHaproxyLoadBalancer],
];

describe.each(LOAD_BALANCERS)('%s in front of two gateways', (_name, startLoadBalancer) => {
  let cluster: ArenaCluster;
  let lb: RunningLoadBalancer;
  const lbDir = join(process.env.TMPDIR ?? '/tmp', uniqueName('arena-lb'));
  const gateway0Env = async () => ({
    GATEWAY_PORT: String(await freeStablePort()),
    GATEWAY_MAX_CONNECTIONS: String(GATEWAY_0_CAPACITY),
  });

  beforeAll(async () => {
    // Gateway 0 restarts on its port: keep that port out of the ephemeral range.
    cluster = await ArenaCluster.start({ gateways: 2, roomServers: 1, gatewayEnv: [await gateway0Env()] });
    lb = await startLoadBalancer(
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
  const refusedBy0 = async () =>
    value(
      await (await fetch(cluster.opsUrl(cluster.gateways[0]!, '/metrics'))).text(),
      'arena_gateway_rejected_upgrades_total',
    );

  it('spreads players across both gateways, skips one answering 503, and keeps them playing through a gateway restart', async () => {
    // Guest login goes through the load balancer too (plain HTTP proxying).
    const clients: ArenaClient[] = [];
    for (let i = 0; i < 8; i++) clients.push(await viaLb());
    const on = (gw: string) => clients.filter((c) => c.gatewayId === gw);
    // Least connections: connections alternate between the gateways.
    expect(on('gw-0')).toHaveLength(4);
    expect(on('gw-1')).toHaveLength(4);

    const rooms = [uniqueName('lb-room'), uniqueName('lb-room')];
    await Promise.all(clients.map((c, i) => c.join(rooms[i % 2]!)));
    await Promise.all(clients.map(applied));

    // Gateway 0 is now full and answers new upgrades with 503, as a draining gateway does.
    // The second newcomer at the latest is sent to it first (it has fewer connections); the
    // load balancer must try gateway 1 instead of handing the 503 to the player.
    const refusedBefore = await refusedBy0();
    const late = [await viaLb(), await viaLb()];
    expect(late.map((c) => c.gatewayId)).toEqual(['gw-1', 'gw-1']);
    expect(await refusedBy0()).toBeGreaterThan(refusedBefore);
    for (const c of late) c.close();

    // Restart gateway 0: SIGTERM closes its players with 1012 and its listener; their SDKs
    // reconnect to the same load-balancer URL, which finds gateway 0 refusing and sends them
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

    // Gateway 0 comes back on its port; once the load balancer sees it again (nginx: its 2 s
    // fail window; HAProxy: a passed health check), new players reach it (fewest connections).
    await cluster.startGateway(0, { ...(await gateway0Env()), GATEWAY_PORT: String(port0) });
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
