import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startArenaApp, type RunningApp } from '../../infra/local/arena-apps.js';
import { freePort } from '../../infra/local/free-port.js';
import { makeRunDir } from '../../infra/local/paths.js';
import { startRedis } from '../../infra/local/redis.js';
import { MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import { MATCH_EVENTS_TOPIC, newMatchEvent } from '../../shared/events/match-events.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';
import { exportedNames, samples, value } from '../helpers/prometheus-text.js';
import { dashboardExpressions, metricNames, ruleExpressions } from '../helpers/promql.js';
import { uniqueName } from '../helpers/services.js';
import { waitForClient } from '../helpers/wait-for.js';

let cluster: ArenaCluster;

beforeAll(async () => {
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 1, matchmakers: 1 });
  await cluster.startIndexer('ix-ops');
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

const scrape = async (app: RunningApp) => {
  const res = await fetch(cluster.opsUrl(app, '/metrics'));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
};

/** Polls `read` until `ok` holds (for counters fed by other processes), failing after timeoutMs. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('ops endpoints of every service (real processes)', () => {
  const apps = () => [
    cluster.gateways[0]!,
    cluster.roomServers[0]!,
    cluster.matchmakers[0]!,
    cluster.indexers[0]!,
  ];

  it('serve /healthz, /readyz with each dependency, process metrics, and refuse other paths and methods', async () => {
    for (const app of apps()) {
      expect(app.opsPort, app.name).toBeGreaterThan(0);
      const health = await fetch(cluster.opsUrl(app, '/healthz'));
      expect(await health.text()).toBe('ok\n');
      const ready = await fetch(cluster.opsUrl(app, '/readyz'));
      const body = (await ready.json()) as { ready: boolean; checks: Record<string, string> };
      expect({ app: app.name, status: ready.status, body }).toMatchObject({
        status: 200,
        body: { ready: true },
      });
      expect(
        Object.values(body.checks).every((c) => c === 'ok'),
        JSON.stringify(body),
      ).toBe(true);
      expect(Object.keys(body.checks).length).toBeGreaterThan(0);

      const text = await scrape(app);
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
      ]) {
        expect(samples(text).has(name), `${app.name} exports ${name}`).toBe(true);
      }
      expect((await fetch(cluster.opsUrl(app, '/nope'))).status).toBe(404);
      expect((await fetch(cluster.opsUrl(app, '/metrics'), { method: 'POST' })).status).toBe(405);
    }
    const gatewayChecks = (await (await fetch(cluster.opsUrl(cluster.gateways[0]!, '/readyz'))).json()) as {
      checks: Record<string, string>;
    };
    expect(Object.keys(gatewayChecks.checks).sort()).toEqual(['rankings-redis', 'redis']);
    const indexerChecks = (await (await fetch(cluster.opsUrl(cluster.indexers[0]!, '/readyz'))).json()) as {
      checks: Record<string, string>;
    };
    expect(Object.keys(indexerChecks.checks).sort()).toEqual(['elasticsearch', 'kafka']);
  });

  it('count real traffic: connections, messages and bytes each way, rooms, ticks, match events indexed', async () => {
    const [gw, rs, , ix] = apps();
    const before = await scrape(gw!);
    const client = await cluster.client([0]);
    const roomId = uniqueName('ops-room');
    await client.join(roomId);
    client.sendInput({ mx: 1, my: 0 });
    await waitForClient(client, 'state', () => client.ackedSeq >= 1, 'the input to be applied');

    // The room server's log line for the seat carries the ids that tie it to player, room and match.
    const seated = readFileSync(rs!.process.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(client.playerId) && l.includes('player seated'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(seated[0]).toMatchObject({
      service: 'room-server',
      instance: 'rs-a',
      playerId: client.playerId,
      roomId,
      matchId: roomId, // an open room is its own match
      gatewayId: 'gw-0',
      level: 30,
    });

    const g = await scrape(gw!);
    expect(value(g, 'arena_gateway_connections')).toBe(1);
    expect(value(g, 'arena_gateway_players_in_rooms')).toBe(1);
    // join + input at least
    expect(
      value(g, 'arena_gateway_messages_in_total') - value(before, 'arena_gateway_messages_in_total'),
    ).toBeGreaterThanOrEqual(2);
    expect(value(g, 'arena_gateway_bytes_in_total')).toBeGreaterThan(
      value(before, 'arena_gateway_bytes_in_total'),
    );
    // welcome + joined + state frames
    expect(value(g, 'arena_gateway_messages_out_total')).toBeGreaterThanOrEqual(3);
    expect(value(g, 'arena_gateway_bytes_out_total')).toBeGreaterThan(
      value(before, 'arena_gateway_bytes_out_total'),
    );

    const r = await scrape(rs!);
    expect(value(r, 'arena_room_server_rooms')).toBe(1);
    expect(value(r, 'arena_room_server_players')).toBe(1);
    expect(value(r, 'arena_room_server_gateway_links')).toBe(1);
    expect(value(r, 'arena_room_server_ticks_total')).toBeGreaterThan(0);
    expect(value(r, 'arena_room_server_tick_duration_seconds_count')).toBeGreaterThan(0);
    expect(value(r, 'arena_room_server_messages_in_total')).toBeGreaterThanOrEqual(3); // hello, join, input
    expect(value(r, 'arena_room_server_messages_out_total')).toBeGreaterThan(0);
    const heartbeat = value(r, 'arena_room_server_heartbeat_timestamp_seconds');
    expect(Math.abs(Date.now() / 1000 - heartbeat)).toBeLessThan(30);

    // The room server's match events (match_started, player_joined) reach Elasticsearch.
    // The room server sent them (the indexer's count alone could be other events in the topic).
    await until(
      'the room server to send the room’s events',
      async () => value(await scrape(rs!), 'arena_match_log_sent_events_total'),
      (n) => n >= 2,
    );
    const indexed = await until(
      'the indexer to index the room’s events',
      async () => value(await scrape(ix!), 'arena_indexer_indexed_events_total'),
      (n) => n >= 2,
    );
    expect(indexed).toBeGreaterThanOrEqual(2);
    const i = await scrape(ix!);
    expect(value(i, 'arena_indexer_bulk_duration_seconds_count')).toBeGreaterThan(0);
    expect(value(i, 'arena_indexer_event_delay_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(
      [...samples(i).keys()].some((k) => k.startsWith('arena_indexer_consumer_lag_messages{partition=')),
    ).toBe(true);
    const p = await scrape(rs!);
    expect(value(p, 'arena_match_log_sent_events_total')).toBeGreaterThanOrEqual(2);
    expect(value(p, 'arena_match_log_pending_events')).toBe(0);
    expect(value(p, 'arena_match_log_oldest_pending_seconds')).toBe(0);
    client.close();
  });
});

describe('alert rules and the Grafana dashboard', () => {
  it('use only metric names that the running services export', async () => {
    const exported = new Set(['up']); // Prometheus's own, per scrape target
    for (const app of [
      cluster.gateways[0]!,
      cluster.roomServers[0]!,
      cluster.matchmakers[0]!,
      cluster.indexers[0]!,
    ]) {
      for (const name of exportedNames(await scrape(app))) exported.add(name);
    }
    const expressions = [
      ...[...ruleExpressions('infra/prometheus/alerts.yml')].map(([k, e]) => [`alert ${k}`, e] as const),
      ...[...dashboardExpressions('infra/grafana/dashboards/arena-overview.json')].map(
        ([k, e]) => [`panel ${k}`, e] as const,
      ),
    ];
    expect(expressions.length).toBeGreaterThan(30);
    const unknown = expressions.flatMap(([where, expr]) =>
      metricNames(expr)
        .filter((n) => !exported.has(n))
        .map((n) => `${where}: ${n}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('graceful shutdown', () => {
  it('a log indexer on SIGTERM mid-stream finishes the batch in hand, commits exactly what it indexed and exits 0', async () => {
    const ix = cluster.indexers[0]!;
    const ready = await fetch(cluster.opsUrl(ix, '/readyz'));
    expect(ready.status).toBe(200);
    const kafka = new Kafka({ brokers: cluster.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const es = new Client({ node: cluster.env.ELASTICSEARCH_URL!, maxRetries: 0, requestTimeout: 10_000 });
    const admin = kafka.admin();
    const producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    try {
      // One request to one partition: our events have consecutive offsets from `base`.
      const tag = uniqueName('sigterm');
      const N = 5_000;
      const [meta] = await producer.send({
        topic: MATCH_EVENTS_TOPIC,
        messages: Array.from({ length: N }, (_, i) => {
          const e = newMatchEvent({
            type: 'game_event',
            matchId: `${tag}-${i % 50}`,
            roomId: 'r',
            serverId: 'rs-x',
          });
          return { key: e.matchId, value: JSON.stringify(e), partition: 0 };
        }),
      });
      const base = Number(meta!.baseOffset);
      const ours = async () => {
        await es.indices.refresh({ index: `${MATCH_EVENTS_INDEX_PREFIX}*` });
        return (
          await es.count({
            index: `${MATCH_EVENTS_INDEX_PREFIX}*`,
            query: { prefix: { matchId: `${tag}-` } },
          })
        ).count;
      };
      // SIGTERM while the indexer is working through them.
      await until(
        'the indexer to index some of them',
        () => ours().catch(() => 0),
        (n) => n > 0,
        180_000,
      );
      ix.process.signal('SIGTERM');
      expect(await ix.process.exited).toEqual({ code: 0, signal: null });
      expect(readFileSync(ix.process.logFile, 'utf8')).toContain('stopping: finishing the batch in hand');
      const [group] = await admin.fetchOffsets({
        groupId: `${cluster.env.REDIS_KEY_PREFIX}ix-ops`,
        topics: [MATCH_EVENTS_TOPIC],
      });
      const committed = Number(group!.partitions.find((p) => p.partition === 0)!.offset);
      // Committed = indexed: nothing committed that is not searchable (that would be lost), and
      // nothing searchable left uncommitted (the batch in hand was finished and recorded).
      const committedOfOurs = Math.min(N, Math.max(0, committed - base));
      expect(committedOfOurs).toBeGreaterThan(0);
      expect(await ours()).toBe(committedOfOurs);
    } finally {
      await Promise.all([admin.disconnect(), producer.disconnect()]);
      await es.close();
    }
  }, 240_000);
});

describe('/readyz follows the dependencies', () => {
  it('turns 503 naming Redis when Redis goes away, while /healthz stays 200; SIGTERM drains and exits 0', async () => {
    const runDir = makeRunDir();
    const redis = await startRedis(runDir);
    const mm = await startArenaApp(
      'matchmaker',
      'mm-readiness',
      { REDIS_URL: redis.env.REDIS_URL!, MATCHMAKER_OPS_PORT: '0', LOG_LEVEL: 'warn' },
      runDir,
    );
    try {
      const readyz = async () => {
        const res = await fetch(cluster.opsUrl(mm, '/readyz'));
        return { status: res.status, body: (await res.json()) as { checks: Record<string, string> } };
      };
      expect(await readyz()).toEqual({ status: 200, body: { ready: true, checks: { redis: 'ok' } } });
      await redis.stop();
      const down = await until('readiness to notice', readyz, (r) => r.status === 503);
      expect(down.body.checks.redis).not.toBe('ok');
      expect((await fetch(cluster.opsUrl(mm, '/healthz'))).status).toBe(200);
      mm.process.signal('SIGTERM');
      expect(await mm.process.exited).toEqual({ code: 0, signal: null });
    } finally {
      await mm.process.stop(2_000);
      await redis.stop();
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  it('keeps a room server ready while Kafka is unreachable, its match events waiting on disk, and says so', async () => {
    const deadKafka = `127.0.0.1:${await freePort()}`;
    const id = uniqueName('rs-no-kafka');
    const spillDir = join(cluster.logDir, 'spill-no-kafka');
    const rs = await startArenaApp(
      'room-server',
      'rs-no-kafka',
      { ...cluster.env, ROOM_SERVER_ID: id, KAFKA_BROKERS: deadKafka, MATCH_LOG_SPILL_DIR: spillDir },
      cluster.logDir,
    );
    try {
      const res = await fetch(cluster.opsUrl(rs, '/readyz'));
      const body = (await res.json()) as { ready: boolean; checks: Record<string, string> };
      expect(res.status).toBe(200);
      expect(body.checks.redis).toBe('ok');
      expect(body.checks.kafka).toMatch(/ECONNREFUSED/);

      // A room placed on it: its match_started and player_joined are on disk, waiting for Kafka.
      let roomId = '';
      for (let i = 0; i < 40 && !roomId; i++) {
        const candidate = uniqueName('disk-room');
        const client = await cluster.client([0]);
        await client.join(candidate);
        client.close();
        if ((await cluster.roomOwner(candidate)) === id) roomId = candidate;
      }
      expect(roomId, 'no room was placed on the Kafka-less room server').not.toBe('');
      const onDisk = readdirSync(spillDir)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) => readFileSync(join(spillDir, f), 'utf8').split('\n').filter(Boolean))
        .map((l) => JSON.parse(l) as { type: string; roomId: string })
        .filter((e) => e.roomId === roomId)
        .map((e) => e.type);
      expect(onDisk).toEqual(['match_started', 'player_joined']);
      const metrics = samples(await (await fetch(cluster.opsUrl(rs, '/metrics'))).text());
      expect(metrics.get('arena_match_log_pending_events')).toBeGreaterThanOrEqual(2);
      expect(metrics.get('arena_match_log_dropped_events_total')).toBe(0);
    } finally {
      await rs.process.stop(3_000);
    }
  });
});
