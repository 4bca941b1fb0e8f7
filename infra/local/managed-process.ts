import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export interface ProcessSpec {
  /** Component name used in messages. */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here. */
  logFile: string;
  /** Run as this user (needs root). */
  user?: string;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** Sends a signal to the process itself (e.g. SIGKILL to simulate a crash). */
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM to the whole process group, SIGKILL after graceMs; resolves when the group is gone. */
  stop(graceMs?: number): Promise<void>;
  logTail(lines?: number): string;
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  setprivAvailable ??= spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;
  return setprivAvailable;
}

/**
 * Wraps the command in setpriv(1) where available: it asks the kernel to SIGTERM the child
 * if this Node process dies without cleaning up (PR_SET_PDEATHSIG), and switches user.
 */
function wrap(spec: ProcessSpec): { command: string; args: string[] } {
  if (!hasSetpriv()) {
    if (spec.user) throw new Error(`${spec.name}: running as user ${spec.user} needs setpriv (util-linux)`);
    return { command: spec.command, args: spec.args };
  }
  const user = spec.user ? ['--reuid', spec.user, '--regid', spec.user, '--init-groups'] : [];
  return { command: 'setpriv', args: [...user, '--pdeathsig', 'TERM', '--', spec.command, ...spec.args] };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return predicate();
}

/** Starts a long-running service process in its own process group, logging to a file. */
export function startProcess(spec: ProcessSpec): ManagedProcess {
  const { command, args } = wrap(spec);
  const log = openSync(spec.logFile, 'a');
  const child = spawn(command, args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  let exitStatus: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      exitStatus = { code, signal };
      resolve(exitStatus);
    });
    child.once('error', () => {
      exitStatus = { code: null, signal: null };
      resolve(exitStatus);
    });
  });
  // Never keep the parent's event loop alive for a service.
  child.unref();
  const pid = child.pid ?? -1;

  return {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    hasExited: () => exitStatus !== undefined,
    signal: (signal) => {
      if (pid > 0 && exitStatus === undefined) process.kill(pid, signal);
    },
    async stop(graceMs = 15_000) {
      if (pid <= 0) return;
      signalGroup(pid, 'SIGTERM');
      const gone = await waitFor(() => exitStatus !== undefined && !groupAlive(pid), graceMs);
      if (!gone) signalGroup(pid, 'SIGKILL');
      // The child is unref'd: poll (which keeps this process alive) until its exit is seen,
      // rather than await an event nothing else may be waiting long enough to deliver.
      await waitFor(() => exitStatus !== undefined, 10_000);
      await exited;
      await waitFor(() => !groupAlive(pid), 5_000);
    },
    logTail(lines = 20) {
      try {
        return readFileSync(spec.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
