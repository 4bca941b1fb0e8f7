import type { ManagedProcess } from './managed-process.js';
import { ServiceError } from './service-error.js';

export interface HealthWait {
  component: string;
  /** Resolves true when healthy; a thrown error counts as "not yet" and is reported on timeout. */
  check: () => Promise<boolean>;
  timeoutMs: number;
  intervalMs?: number;
  /** If given, its early exit fails the wait at once, with its log tail. */
  process?: ManagedProcess;
}

/** Polls a health check until it passes; fails with a message naming the component. */
export async function waitHealthy(w: HealthWait): Promise<void> {
  const started = Date.now();
  let lastError = 'health check never passed';
  for (;;) {
    if (w.process?.hasExited()) {
      const status = await w.process.exited;
      throw new ServiceError(
        w.component,
        `process exited during start (code ${status.code}, signal ${status.signal}); log ${w.process.logFile}:\n${w.process.logTail()}`,
      );
    }
    try {
      if (await w.check()) return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() - started > w.timeoutMs) {
      const log = w.process ? `; log ${w.process.logFile}:\n${w.process.logTail()}` : '';
      throw new ServiceError(
        w.component,
        `not healthy after ${Math.round(w.timeoutMs / 1000)}s (${lastError})${log}`,
      );
    }
    await new Promise((r) => setTimeout(r, w.intervalMs ?? 250));
  }
}
