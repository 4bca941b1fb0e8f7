import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import WebSocket from 'ws';
import { startArenaApp, type ProcessLimits, type RunningApp } from '../../infra/local/arena-apps.js';
import { ArenaClient } from '../../shared/client/index.js';
import { loadConfig } from '../../shared/config/index.js';
import { ensureTopics } from '../../shared/events/topics.js';
import { SERVICE_LOGS_TOPIC } from '../../shared/log/service-log-index.js';
import { connectRedis } from '../../shared/redis/connect.js';
import { realtimeKeys, type RealtimeKeys } from '../../shared/redis/keys.js';
import { uniqueName } from './services.js';

export interface ClusterOptions {
  gateways: number;
  roomServers: number;
  matchmakers?: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment per gateway (by index). */
  gatewayEnv?: Record<string, string>[];
}

/** Fast failure detection for tests: a dead room server is noticed within ~1.5 s. */
const TEST_DEFAULTS: Record<string, string> = {
  ROOM_SERVER_PORT: '0',
  GATEWAY_PORT: '0',
  REGISTRY_HEARTBEAT_MS: '250',
  REGISTRY_TTL_MS: '1500',
  ROOM_CHECKPOINT_EVERY_TICKS: '10',
  GATEWAY_OPS_PORT: '0',
  ROOM_SERVER_OPS_PORT: '0',
  MATCHMAKER_OPS_PORT: '0',
  LOG_INDEXER_OPS_PORT: '0',
  MATCHMAKER_IDLE_DELAY_MS: '20',
  LOG_LEVEL: 'info',
  GATEWAY_STATIC_DIR: '',
  // Every test client logs in as a guest from 127.0.0.1; tests of the limit set their own.
  AUTH_GUEST_LOGINS_PER_MIN: '100000',
};

/** Commits `group`'s offsets at the end of the service-logs topic (created if missing). */
async function serviceLogGroupAtEnd(brokers: string, group: string): Promise<void> {
  const kafka = new Kafka({
    clientId: 'test-offsets',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  await ensureTopics(kafka, [
    { topic: SERVICE_LOGS_TOPIC, numPartitions: loadConfig({}).serviceLogs.partitions },
  ]);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(SERVICE_LOGS_TOPIC);
    await admin.setOffsets({
      groupId: group,
      topic: SERVICE_LOGS_TOPIC,
      partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Gateways and room servers as real processes against the run's real Redis, isolated by key prefix. */
export class ArenaCluster {
  readonly keys: RealtimeKeys;
  readonly gateways: RunningApp[] = [];
  readonly roomServers: RunningApp[] = [];
  readonly matchmakers: RunningApp[] = [];
  readonly indexers: RunningApp[] = [];
  private readonly clients: ArenaClient[] = [];

  private constructor(
    readonly env: Record<string, string>,
    readonly logDir: string,
    /** The test's own connection, made as the services make theirs (Sentinel included). */
    readonly redis: Redis,
  ) {
    this.keys = realtimeKeys(env.REDIS_KEY_PREFIX!);
  }

  static async start(o: ClusterOptions): Promise<ArenaCluster> {
    const prefix = `${uniqueName('t')}:`;
    const env = { ...TEST_DEFAULTS, ...inject('services'), REDIS_KEY_PREFIX: prefix, ...o.env };
    const redis = await connectRedis(loadConfig(env).redis, { name: 'test' });
    const cluster = new ArenaCluster(env, mkdtempSync(join(tmpdir(), 'arena-cluster-')), redis);
    try {
      await Promise.all(
        Array.from({ length: o.roomServers }, (_, i) =>
          cluster.startRoomServer(`rs-${String.fromCharCode(97 + i)}`),
        ),
      );
      await Promise.all(
        Array.from({ length: o.gateways }, (_, i) => cluster.startGateway(i, o.gatewayEnv?.[i])),
      );
      await Promise.all(
        Array.from({ length: o.matchmakers ?? 0 }, (_, i) => cluster.startMatchmaker(`mm-${i}`)),
      );
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  async startRoomServer(id: string, extra: Record<string, string> = {}): Promise<RunningApp> {
    // Its match-log spill directory is this cluster's own (the default, <tmp>/arena-match-log-<id>,
    // is shared by every rs-a of every test running at the same time); a restart with the same
    // id finds its leftovers there, as in production.
    const spillDir = this.env.MATCH_LOG_SPILL_DIR ?? join(this.logDir, `match-log-${id}`);
    const env = { ...this.env, ROOM_SERVER_ID: id, MATCH_LOG_SPILL_DIR: spillDir, ...extra };
    const app = await startArenaApp('room-server', id, env, this.logDir);
    this.roomServers.push(app);
    return app;
  }

  async startGateway(
    index: number,
    extra: Record<string, string> = {},
    limits: ProcessLimits = {},
  ): Promise<RunningApp> {
    const id = `gw-${index}`;
    const env = { ...this.env, GATEWAY_ID: id, ...extra };
    const app = await startArenaApp('gateway', id, env, this.logDir, limits);
    this.gateways[index] = app;
    return app;
  }

  async startMatchmaker(id: string): Promise<RunningApp> {
    const app = await startArenaApp('matchmaker', id, { ...this.env, MATCHMAKER_ID: id }, this.logDir);
    this.matchmakers.push(app);
    return app;
  }

  /**
   * A log indexer on the run's Kafka and Elasticsearch, in a consumer group of its own. Its
   * service-log group starts at the topic's end: every service of every earlier test logged
   * into that topic, and a fresh group would index all of it first.
   */
  async startIndexer(id: string): Promise<RunningApp> {
    const group = `${this.env.REDIS_KEY_PREFIX}${id}`;
    await serviceLogGroupAtEnd(this.env.KAFKA_BROKERS!, `${group}.service-logs`);
    const env = { ...this.env, LOG_INDEXER_ID: id, LOG_INDEXER_GROUP: group };
    const app = await startArenaApp('log-indexer', id, env, this.logDir);
    this.indexers.push(app);
    return app;
  }

  /** A URL on an app's ops listener (/metrics, /healthz, /readyz). */
  opsUrl(app: RunningApp, path: string): string {
    return `http://127.0.0.1:${app.opsPort}${path}`;
  }

  gatewayUrl(index: number): string {
    return `ws://127.0.0.1:${this.gateways[index]!.port}/ws`;
  }

  httpUrl(index: number, path: string): string {
    return `http://127.0.0.1:${this.gateways[index]!.port}${path}`;
  }

  async guestToken(gateway = 0): Promise<{ playerId: string; token: string }> {
    const res = await fetch(this.httpUrl(gateway, '/auth/guest'), { method: 'POST', body: '{}' });
    if (!res.ok) throw new Error(`guest login failed: ${res.status}`);
    return (await res.json()) as { playerId: string; token: string };
  }

  /** A connected SDK client; `gateways` are indexes, the first is used first. */
  async client(gateways: number[], o: { autoJoinMatches?: boolean } = {}): Promise<ArenaClient> {
    return this.clientAt(
      gateways.map((i) => this.gatewayUrl(i)),
      this.httpUrl(gateways[0]!, ''),
      o,
    );
  }

  /** A connected SDK client on any WebSocket URLs (a load balancer), logged in through `httpBase`. */
  async clientAt(
    urls: string[],
    httpBase: string,
    o: { autoJoinMatches?: boolean } = {},
  ): Promise<ArenaClient> {
    const res = await fetch(`${httpBase}/auth/guest`, { method: 'POST', body: '{}' });
    if (!res.ok) throw new Error(`guest login failed: ${res.status}`);
    const { token } = (await res.json()) as { token: string };
    const client = new ArenaClient({
      gateways: urls,
      token,
      webSocket: (url) => new WebSocket(url) as never,
      maxReconnectDelayMs: 300,
      ...o,
    });
    this.clients.push(client);
    await client.connect();
    return client;
  }

  /** Resolves once the test's own Redis connection is up again (after an outage or a failover). */
  redisReady(timeoutMs = 30_000): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new Error(`the test's Redis connection not back within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  async roomOwner(roomId: string): Promise<string | null> {
    return this.redis.get(this.keys.roomOwner(roomId));
  }

  async stop(): Promise<void> {
    for (const c of this.clients) c.close();
    await Promise.allSettled(
      [...this.gateways, ...this.roomServers, ...this.matchmakers, ...this.indexers].map((a) =>
        a?.process.stop(5_000),
      ),
    );
    try {
      const stale = await this.redis.keys(`${this.env.REDIS_KEY_PREFIX}*`);
      if (stale.length > 0) await this.redis.del(...stale);
    } catch {
      // a test that stopped Redis may leave its keys: they are under its own prefix
    }
    this.redis.disconnect();
    if (!process.env.ARENA_KEEP_LOGS) rmSync(this.logDir, { recursive: true, force: true });
  }
}
