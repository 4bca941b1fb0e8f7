import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ArenaConfig } from '../config/index.js';
import { splitHostPort } from '../config/host-port.js';
import type { Logger } from '../log/logger.js';

/**
 * One way to reach Redis for every service and tool:
 *   connectRedis(settings, o)          the real-time and matchmaking keys (REDIS_URL, or the master
 *                                      that REDIS_SENTINELS name), resolved once ready
 *   duplicateRedis(client, o)          a second connection to the same Redis (pub/sub)
 *   connectRankingsRedis(settings, o)  the rankings keys: a Redis Cluster (REDIS_CLUSTER_NODES), else
 *                                      the same Redis as connectRedis
 *   redisOptions(settings, name)       the client options behind them
 *
 * Every command is bounded (REDIS_COMMAND_TIMEOUT_MS) and nothing waits for a connection: while
 * Redis is unreachable a command fails at once, so callers answer their clients with an error
 * instead of hanging, and a request the caller gave up on is never run later behind its back.
 */

export type RedisSettings = ArenaConfig['redis'];
/** Rankings run on a single Redis or on a Redis Cluster alike (their keys are laid out for both). */
export type RedisClient = Redis | Cluster;

export interface ConnectOptions {
  /** Who connects, e.g. "gateway gw-1": the CLIENT SETNAME and the log lines say it. */
  name: string;
  log?: Logger;
  /** How long the first connection may take before the caller gets an error (startup). */
  readyTimeoutMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** Redis client names allow no spaces. */
function clientName(name: string): string {
  return `arena-${name}`.replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 100);
}

/** The ioredis options every Arena connection to a single Redis (or a Sentinel master) uses. */
export function redisOptions(settings: RedisSettings, name: string): RedisOptions {
  const common: RedisOptions = {
    connectionName: clientName(name),
    commandTimeout: settings.commandTimeoutMs,
    // A peer that vanished without a RST is found by TCP keepalive; until then every command
    // fails at commandTimeout (ioredis's socketTimeout is not used: its timer outlives a
    // reconnect and then cuts the new, healthy connection).
    keepAlive: 10_000,
    // Fail fast instead of queueing: a queued command could run after its caller gave up.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    // A demoted master (after a failover) answers writes with READONLY: find the new one.
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
  if (settings.sentinels.length === 0) return { ...common, ...urlOptions(settings.url) };
  const url = new URL(settings.url);
  return {
    ...common,
    sentinels: settings.sentinels.map(splitHostPort),
    name: settings.sentinelMaster,
    sentinelPassword: settings.sentinelPassword || undefined,
    sentinelCommandTimeout: settings.commandTimeoutMs,
    // Not ioredis's failoverDetector: a +switch-master that arrives while the client is
    // already reconnecting ends the client for good ("Connection is closed"). A demoted old
    // master answers writes with READONLY instead, and reconnectOnError moves on from it.
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    db: Number(url.pathname.slice(1) || 0),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Host, port, credentials, database and TLS of a redis:// or rediss:// URL. */
function urlOptions(raw: string): RedisOptions {
  const url = new URL(raw);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 6379),
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    db: Number(url.pathname.slice(1) || 0),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/** Where a connection goes, for error messages (never the password). */
export function describeRedis(settings: RedisSettings): string {
  if (settings.sentinels.length > 0)
    return `Redis master "${settings.sentinelMaster}" of sentinels ${settings.sentinels.join(',')}`;
  const url = new URL(settings.url);
  return `Redis at ${url.protocol}//${url.host}`;
}

/** The real-time and matchmaking Redis; resolves once it answers, rejects clearly if it does not. */
export async function connectRedis(settings: RedisSettings, o: ConnectOptions): Promise<Redis> {
  const client = new Redis(redisOptions(settings, o.name));
  watchConnection(client, o);
  await whenReady(client, describeRedis(settings), o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  return client;
}

/** Another connection to the Redis `client` talks to (a subscriber can do nothing else). */
export async function duplicateRedis(client: Redis, o: ConnectOptions): Promise<Redis> {
  const copy = client.duplicate({ connectionName: clientName(o.name) });
  watchConnection(copy, o);
  await whenReady(copy, `Redis (${o.name})`, o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
  return copy;
}

/** The rankings' Redis: a Redis Cluster when REDIS_CLUSTER_NODES lists seeds, else connectRedis's. */
export async function connectRankingsRedis(settings: RedisSettings, o: ConnectOptions): Promise<RedisClient> {
  const seeds = settings.clusterNodes
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(splitHostPort);
  if (seeds.length === 0) return connectRedis(settings, o);
  const options: ClusterOptions = {
    redisOptions: {
      connectionName: clientName(o.name),
      commandTimeout: settings.commandTimeoutMs,
      maxRetriesPerRequest: 2,
    },
  };
  const cluster = new Cluster(seeds, options);
  watchConnection(cluster, o);
  await whenReady(
    cluster,
    `Redis Cluster ${settings.clusterNodes}`,
    o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS,
  );
  return cluster;
}

/**
 * Logs when the connection is lost and when it is back (once each, not every retry), and keeps
 * ioredis from printing unhandled error events.
 */
function watchConnection(client: RedisClient, o: ConnectOptions): void {
  let lostAt: number | undefined;
  let everReady = false;
  client.on('error', (err: Error) => {
    if (!everReady || lostAt !== undefined) return o.log?.debug({ err, redis: o.name }, 'redis error');
    lostAt = Date.now();
    o.log?.error({ err, redis: o.name }, 'redis connection lost: its commands fail until it is back');
  });
  // 'reconnecting', not 'close': a disconnect() on purpose is no loss.
  client.on('reconnecting', () => {
    if (everReady && lostAt === undefined) {
      lostAt = Date.now();
      o.log?.error({ redis: o.name }, 'redis connection lost: its commands fail until it is back');
    }
  });
  client.on('ready', () => {
    if (lostAt !== undefined)
      o.log?.warn({ redis: o.name, downMs: Date.now() - lostAt }, 'redis connection back');
    lostAt = undefined;
    everReady = true;
  });
}

function whenReady(client: RedisClient, what: string, timeoutMs: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    let lastError: Error | undefined;
    const onError = (err: Error) => (lastError = err);
    const done = () => {
      clearTimeout(timer);
      client.off('error', onError);
      client.off('ready', onReady);
    };
    const onReady = () => {
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      client.disconnect();
      reject(
        new Error(
          `${what} did not answer within ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`,
        ),
      );
    }, timeoutMs);
    client.on('error', onError);
    client.on('ready', onReady);
  });
}
