import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type ManagedProcess } from './managed-process.js';
import { waitHealthy } from './wait-healthy.js';

export type ArenaAppKind = 'gateway' | 'room-server' | 'matchmaker' | 'log-indexer';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY: Record<ArenaAppKind, string> = {
  gateway: join(REPO, 'apps/gateway/main.ts'),
  'room-server': join(REPO, 'apps/room-server/main.ts'),
  matchmaker: join(REPO, 'apps/matchmaker/main.ts'),
  'log-indexer': join(REPO, 'apps/log-indexer/main.ts'),
};

export interface RunningApp {
  readonly name: string;
  readonly kind: ArenaAppKind;
  /** The port it listens on (read from its "ready" log line, so port 0 works). */
  readonly port: number;
  /** The port of its /metrics, /healthz and /readyz (0 for a service without one). */
  readonly opsPort: number;
  readonly process: ManagedProcess;
}

/**
 * The first JSON log line with event "ready" after byte `from` (where this run of the app
 * began writing: a restarted app appends to the same log), if the app logged one yet.
 */
function readyLine(logFile: string, from: number): { port: number; opsPort: number } | undefined {
  if (!existsSync(logFile)) return undefined;
  for (const line of readFileSync(logFile).subarray(from).toString('utf8').split('\n')) {
    if (!line.includes('"ready"')) continue;
    try {
      const parsed = JSON.parse(line) as { event?: string; port?: number; opsPort?: number };
      if (parsed.event === 'ready' && typeof parsed.port === 'number')
        return { port: parsed.port, opsPort: parsed.opsPort ?? 0 };
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Starts a gateway or room server (TypeScript via tsx) and waits until it says it is ready. */
export async function startArenaApp(
  kind: ArenaAppKind,
  name: string,
  env: Record<string, string>,
  logDir: string,
  limits: ProcessLimits = {},
): Promise<RunningApp> {
  return { ...(await startTypeScriptService(name, ENTRY[kind], env, logDir, limits)), kind };
}

/** Resource limits a service is started with (tests of behaviour at a limit). */
export interface ProcessLimits {
  /** Soft and hard open-files limit (`prlimit --nofile`, as `ulimit -n` would set it). */
  openFiles?: number;
  /** How long to wait for its ready line (default 30 s). */
  readyTimeoutMs?: number;
}

/**
 * Starts a TypeScript entry point (via tsx) as a managed process and waits for the JSON log
 * line {"event":"ready","port":N} that every Arena service prints once it listens.
 */
export async function startTypeScriptService(
  name: string,
  entry: string,
  env: Record<string, string>,
  logDir: string,
  limits: ProcessLimits = {},
): Promise<Omit<RunningApp, 'kind'>> {
  const logFile = join(logDir, `${name}.log`);
  const from = existsSync(logFile) ? statSync(logFile).size : 0;
  const proc = startProcess({
    name,
    // prlimit (util-linux) sets the limits and then execs node: same pid, same process group.
    ...(limits.openFiles === undefined
      ? { command: process.execPath, args: ['--import', 'tsx', entry] }
      : {
          command: 'prlimit',
          args: [
            `--nofile=${limits.openFiles}:${limits.openFiles}`,
            process.execPath,
            '--import',
            'tsx',
            entry,
          ],
        }),
    cwd: REPO,
    env: { ...process.env, ...env },
    logFile,
  });
  let ready: { port: number; opsPort: number } | undefined;
  await waitHealthy({
    component: name,
    process: proc,
    timeoutMs: limits.readyTimeoutMs ?? 30_000,
    intervalMs: 50,
    check: async () => {
      ready = readyLine(logFile, from);
      return ready !== undefined;
    },
  }).catch(async (err) => {
    await proc.stop(2_000);
    throw err;
  });
  return { name, port: ready!.port, opsPort: ready!.opsPort, process: proc };
}
