import { processCpuMicros } from './process-cpu.js';

export interface CpuWindow {
  seconds: number;
  /** CPU each process used during the window, µs. */
  cpuMicros: Record<string, number>;
}

/**
 * Waits out a warm-up, then measures each process's CPU (from /proc, so the load generator
 * in this process is not counted) over `seconds`, calling `between` at the start and the end
 * so that the caller can take its own counts over the same window.
 */
export async function cpuWindow(
  pids: Record<string, number>,
  warmupS: number,
  seconds: number,
  between: (at: 'start' | 'end') => void = () => {},
): Promise<CpuWindow> {
  await new Promise((r) => setTimeout(r, warmupS * 1000));
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, processCpuMicros(pid)]));
  between('start');
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  between('end');
  const elapsed = (performance.now() - started) / 1000;
  return {
    seconds: elapsed,
    cpuMicros: Object.fromEntries(
      Object.entries(pids).map(([k, pid]) => [k, processCpuMicros(pid) - cpu0[k]!]),
    ),
  };
}

export const totalCpu = (w: CpuWindow) => Object.values(w.cpuMicros).reduce((a, b) => a + b, 0);
