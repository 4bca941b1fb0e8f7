import { startProcess, type ManagedProcess, type ProcessSpec } from './managed-process.js';
import type { RunningService } from './service.js';
import { waitHealthy } from './wait-healthy.js';

/** A service whose process can be stopped and started again with its data kept (outage tests). */
export interface RestartableService extends RunningService {
  /** Stops the process; ports and data stay reserved for resume(). */
  halt(): Promise<void>;
  /** Starts it again and waits until it is healthy. */
  resume(): Promise<void>;
}

export interface Launch {
  spec: ProcessSpec;
  check: () => Promise<boolean>;
  timeoutMs: number;
  stopGraceMs: number;
}

/** Starts a process, waits for its health check, and hands back halt/resume/stop around it. */
export async function launchRestartable(
  l: Launch,
  describe: (pid: number) => Omit<RunningService, 'stop' | 'description'> & { description: string },
): Promise<RestartableService> {
  let proc: ManagedProcess | undefined;
  const up = async () => {
    const p = startProcess(l.spec);
    proc = p;
    await waitHealthy({
      component: l.spec.name,
      process: p,
      timeoutMs: l.timeoutMs,
      intervalMs: 250,
      check: l.check,
    }).catch(async (err) => {
      await p.stop(l.stopGraceMs);
      throw err;
    });
  };
  const down = async () => {
    await proc?.stop(l.stopGraceMs);
    proc = undefined;
  };
  await up();
  return { ...describe(proc!.pid), stop: down, halt: down, resume: up };
}
