import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { freePort } from '../../infra/local/free-port.js';
import { startProcess, type ManagedProcess } from '../../infra/local/managed-process.js';
import { waitHealthy } from '../../infra/local/wait-healthy.js';

/** The real Prometheus and Alertmanager (Debian packages `prometheus`, `prometheus-alertmanager`). */
const PROMETHEUS = 'prometheus';
const ALERTMANAGER = 'prometheus-alertmanager';

export interface RunningPrometheus {
  readonly port: number;
  readonly process: ManagedProcess;
  /** An instant query through the HTTP API: the series it returns. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

export interface RunningAlertmanager {
  readonly port: number;
  readonly process: ManagedProcess;
  /** Alerts posted straight to its API (as Prometheus does). */
  post(alerts: { labels: Record<string, string>; annotations?: Record<string, string> }[]): Promise<void>;
  /** Its view of the alerts it holds: state active or suppressed, and what inhibits each. */
  alerts(): Promise<{ labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } }[]>;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Writes `files` (name -> YAML object or text) into `dir` and runs Prometheus on prometheus.yml. */
export async function startPrometheus(
  dir: string,
  files: Record<string, unknown>,
): Promise<RunningPrometheus> {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files))
    writeFileSync(join(dir, name), typeof content === 'string' ? content : stringify(content));
  const port = await freePort();
  const process = startProcess({
    name: 'prometheus',
    command: PROMETHEUS,
    args: [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // Firing alerts are re-sent every minute by default; resolutions go out at once anyway.
      '--rules.alert.resend-delay=1s',
      '--log.level=warn',
    ],
    logFile: join(dir, 'prometheus.log'),
  });
  await waitHealthy({
    component: 'prometheus',
    process,
    timeoutMs: 30_000,
    check: async () => (await fetch(`http://127.0.0.1:${port}/-/ready`)).ok,
  });
  return {
    port,
    process,
    async query(expr) {
      const body = await getJson<{ status: string; data: { result: [] } }>(
        `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (body.status !== 'success') throw new Error(`query ${expr}: ${JSON.stringify(body)}`);
      return body.data.result;
    },
  };
}

/** Runs Alertmanager on `config` (clustering off: no fixed gossip port). */
export async function startAlertmanager(dir: string, config: unknown): Promise<RunningAlertmanager> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
  const port = await freePort();
  const process = startProcess({
    name: 'alertmanager',
    command: ALERTMANAGER,
    args: [
      `--config.file=${join(dir, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    logFile: join(dir, 'alertmanager.log'),
  });
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy({
    component: 'alertmanager',
    process,
    timeoutMs: 30_000,
    check: async () => (await fetch(`${base}/-/ready`)).ok,
  });
  return {
    port,
    process,
    async post(alerts) {
      const res = await fetch(`${base}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`POST alerts: ${res.status} ${await res.text()}`);
    },
    alerts: () => getJson(`${base}/api/v2/alerts`),
  };
}
