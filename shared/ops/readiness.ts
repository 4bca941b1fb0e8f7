import { connect } from 'node:net';
import { splitHostPort } from '../config/host-port.js';
import { withTimeout } from './with-timeout.js';

/** One dependency a service needs, probed when something asks /readyz. */
export interface DependencyCheck {
  readonly name: string;
  /** Resolves when the dependency answers; rejects when it does not. */
  probe(): Promise<unknown>;
  /**
   * False for a dependency the service can do without for a while (a room server buffers
   * match events while Kafka is away): reported, but the service stays ready.
   */
  readonly essential?: boolean;
}

export interface Readiness {
  ready: boolean;
  /** "ok", or why the dependency did not answer. */
  checks: Record<string, string>;
}

/** Probes every dependency at once, each bounded by timeoutMs. */
export async function checkReadiness(
  checks: readonly DependencyCheck[],
  timeoutMs = 2_000,
): Promise<Readiness> {
  const results = await Promise.allSettled(checks.map((c) => withTimeout(c.probe(), timeoutMs)));
  const out: Readiness = { ready: true, checks: {} };
  results.forEach((r, i) => {
    const check = checks[i]!;
    if (r.status === 'fulfilled') {
      out.checks[check.name] = 'ok';
      return;
    }
    out.checks[check.name] = r.reason instanceof Error ? r.reason.message : String(r.reason);
    if (check.essential !== false) out.ready = false;
  });
  return out;
}

/** What ioredis's Redis and Cluster both offer. */
interface RedisLike {
  ping(): Promise<string>;
}

/** Redis answers PING (while the client reconnects, the PING waits, up to the check's timeout). */
export function redisCheck(name: string, redis: RedisLike): DependencyCheck {
  return { name, probe: () => redis.ping() };
}

/** At least one of `hostPorts` ("host:port") accepts a TCP connection (Kafka brokers). */
export function tcpCheck(name: string, hostPorts: readonly string[], essential = true): DependencyCheck {
  const one = (hostPort: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(splitHostPort(hostPort));
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`${hostPort}: connect timeout`)));
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', (err) => reject(new Error(`${hostPort}: ${err.message}`)));
    });
  return {
    name,
    essential,
    probe: () =>
      Promise.any(hostPorts.map((hp) => one(hp, 1_500))).catch((err: AggregateError) => {
        throw new Error(err.errors.map((e: Error) => e.message).join('; '));
      }),
  };
}
