import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../infra/local/free-port.js';
import { startProcess, type ManagedProcess } from '../../infra/local/managed-process.js';
import { waitHealthy } from '../../infra/local/wait-healthy.js';

const NGINX = '/usr/sbin/nginx';
const SHIPPED_CONFIG = new URL('../../infra/lb/nginx.conf', import.meta.url);

export interface RunningLoadBalancer {
  readonly port: number;
  readonly process: ManagedProcess;
}

/**
 * The real nginx (Debian package) running infra/lb/nginx.conf unchanged in front of local
 * gateways: only the two files it includes are written for this run (listen address,
 * upstream gateways, temp paths inside `dir` so that no system directory is needed).
 */
export async function startNginxLoadBalancer(
  gatewayPorts: number[],
  dir: string,
): Promise<RunningLoadBalancer> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  copyFileSync(SHIPPED_CONFIG, join(dir, 'nginx.conf'));
  writeFileSync(
    join(dir, 'arena-listen.conf'),
    [
      `listen 127.0.0.1:${port};`,
      ...['client_body', 'proxy'].map((t) => `${t}_temp_path ${join(dir, `${t}_temp`)};`),
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'arena-upstreams.conf'),
    gatewayPorts.map((p) => `server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;\n`).join(''),
  );
  const process = startProcess({
    name: 'nginx',
    command: NGINX,
    args: ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'],
    logFile: join(dir, 'nginx.log'),
  });
  await waitHealthy({
    component: 'nginx',
    process,
    timeoutMs: 10_000,
    check: async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok,
  });
  return { port, process };
}
