import { readFileSync } from 'node:fs';

/**
 * The gateway's connection cap under its file-descriptor limit. Every WebSocket is a
 * descriptor; past the process limit, accept() fails with EMFILE and the listener spins
 * while /healthz and /metrics cannot be answered either. So the gateway refuses upgrades
 * (503, the load balancer tries another) before it gets there, keeping descriptors for
 * Redis, the room-server links, the ops port and files. Node itself raises the soft limit to
 * the hard limit as it starts (it calls setrlimit before any user code runs), so what is read
 * here is already the most this process can have; past that, raise the hard limit where the
 * process starts (`ulimit -n`, LimitNOFILE, the container runtime). The gateway logs the cap
 * it derived when the limit lowers it.
 */
export const FD_HEADROOM = 128;

/** The soft "Max open files" limit from /proc/self/limits; undefined if unlimited or unknown. */
export function softFdLimit(limits?: string): number | undefined {
  let text = limits;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined; // not Linux: nothing to derive from
    }
  }
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m || m[1] === 'unlimited') return undefined;
  const soft = Number(m[1]);
  return Number.isInteger(soft) && soft > 0 ? soft : undefined;
}

/** min(GATEWAY_MAX_CONNECTIONS, fd limit - headroom), never below zero. */
export function connectionCap(configured: number, fdLimit: number | undefined): number {
  if (fdLimit === undefined) return configured;
  return Math.max(0, Math.min(configured, fdLimit - FD_HEADROOM));
}
