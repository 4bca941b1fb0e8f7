import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../infra/local/free-port.js';
import { startProcess } from '../../infra/local/managed-process.js';
import { waitHealthy } from '../../infra/local/wait-healthy.js';
import type { RunningLoadBalancer } from './nginx-load-balancer.js';

const HAPROXY = '/usr/sbin/haproxy';
const SHIPPED_CONFIG = fileURLToPath(new URL('../../infra/lb/haproxy.cfg', import.meta.url));

/**
 * The real HAProxy (Debian package) running infra/lb/haproxy.cfg unchanged in front of local
 * gateways: this run supplies the listen addresses (environment) and its own gateways file
 * (quicker health checks than compose's, so that a restarted gateway is back in seconds).
 */
export async function startHaproxyLoadBalancer(
  gatewayPorts: number[],
  dir: string,
): Promise<RunningLoadBalancer & { opsPort: number }> {
  mkdirSync(dir, { recursive: true });
  const [port, opsPort] = [await freePort(), await freePort()];
  const gateways = join(dir, 'haproxy-gateways.cfg');
  writeFileSync(
    gateways,
    [
      'backend arena_gateways',
      ...gatewayPorts.map((p, i) => `  server gw-${i} 127.0.0.1:${p} inter 500ms fall 1 rise 1`),
      '',
    ].join('\n'),
  );
  const process = startProcess({
    name: 'haproxy',
    command: HAPROXY,
    // -db: foreground, no daemon; -W: master-worker, so SIGTERM stops the whole group.
    args: ['-db', '-W', '-f', SHIPPED_CONFIG, '-f', gateways],
    env: {
      ...globalThis.process.env,
      ARENA_LB_BIND: `127.0.0.1:${port}`,
      ARENA_LB_OPS_BIND: `127.0.0.1:${opsPort}`,
    },
    logFile: join(dir, 'haproxy.log'),
  });
  await waitHealthy({
    component: 'haproxy',
    process,
    timeoutMs: 10_000,
    // Through to a gateway: HAProxy is up and has found a live one.
    check: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  });
  return { port, opsPort, process };
}
