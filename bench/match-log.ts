/**
 * `npm run bench:match-log [-- --events 50000]`
 *
 * End-to-end match-log throughput (room-server producer -> Kafka -> indexer process ->
 * Elasticsearch, until every event is searchable) and produce-to-searchable lag p50/p99
 * (probe events polled until a search finds them), next to the raw bulk-index rate of the
 * same Elasticsearch node (same documents, same batch size) measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { pino } from 'pino';
import { MatchEventProducer } from '../apps/room-server/match-log/match-event-producer.js';
import { startArenaApp } from '../infra/local/arena-apps.js';
import { MATCH_EVENTS_INDEX_PREFIX, MATCH_EVENTS_MAPPING } from '../shared/events/es-mapping.js';
import { newMatchEvent } from '../shared/events/match-events.js';
import { percentile } from './percentile.js';
import { numberArg, runStandalone, type ServiceEnv } from './bench-cli.js';
import { ratio, type BenchSection } from './bench-report.js';

const run = `b${Date.now().toString(36)}`;
const event = (i: number, prefix: string) =>
  newMatchEvent({
    type: 'game_event',
    matchId: `${prefix}-${i % 1000}`,
    roomId: `r-${i % 1000}`,
    serverId: 'rs-bench',
    name: 'tick',
    detail: String(i),
  });

async function rawBulkRate(es: Client, EVENTS: number): Promise<number> {
  const index = `bench-raw-${run}`;
  await es.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0 },
    mappings: MATCH_EVENTS_MAPPING as never,
  });
  const started = Date.now();
  for (let i = 0; i < EVENTS; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, EVENTS - i) }, (_, j) => event(i + j, `raw-${run}`));
    await es.bulk({
      operations: batch.flatMap((e) => [
        { index: { _index: index, _id: e.id } },
        { ...e, indexedAt: Date.now() },
      ]),
    });
  }
  await es.indices.refresh({ index });
  const rate = EVENTS / ((Date.now() - started) / 1000);
  await es.indices.delete({ index });
  return rate;
}

async function count(es: Client, prefix: string): Promise<number> {
  await es.indices
    .refresh({ index: `${MATCH_EVENTS_INDEX_PREFIX}*`, ignore_unavailable: true })
    .catch(() => {});
  return (
    await es
      .count({ index: `${MATCH_EVENTS_INDEX_PREFIX}*`, query: { prefix: { matchId: prefix } } })
      .catch(() => ({ count: 0 }))
  ).count;
}

/** The indexer's own count of events Elasticsearch acknowledged, from its /metrics. */
async function indexedBy(opsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  return Number(/^arena_indexer_indexed_events_total (\S+)$/m.exec(text)?.[1] ?? 0);
}

export async function benchMatchLog(services: ServiceEnv, o = { events: 50_000 }): Promise<BenchSection> {
  const EVENTS = o.events;
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-log-'));
  const brokers = services.KAFKA_BROKERS!;
  const esUrl = services.ELASTICSEARCH_URL!;
  const es = new Client({ node: esUrl });
  const indexer = await startArenaApp(
    'log-indexer',
    'ix-bench',
    {
      KAFKA_BROKERS: brokers,
      ELASTICSEARCH_URL: esUrl,
      LOG_INDEXER_GROUP: `bench-${run}`,
      LOG_INDEXER_OPS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    logDir,
  );
  const producer = new MatchEventProducer({
    brokers: brokers.split(','),
    clientId: `bench-${run}`,
    spillDir: join(logDir, 'spill'),
    maxInMemory: 1_000_000,
    partitions: 6,
    log: pino({ level: 'silent' }),
  });
  producer.start();
  try {
    const raw = await rawBulkRate(es, EVENTS);

    // Probes: an event every 100 ms during the load. One search every 100 ms looks for all
    // those not found yet (without forcing a refresh), so that measuring hardly loads the node.
    const lags: number[] = [];
    const pending = new Map<string, number>();
    let probing = true;
    const probes = (async () => {
      for (let i = 0; probing || pending.size > 0; i++) {
        if (probing) {
          const probe = event(i, `probe-${run}-${i}`);
          pending.set(probe.id, Date.now());
          producer.publish(probe);
        }
        await new Promise((r) => setTimeout(r, 100));
        const found = await es
          .search<{ id: string }>({
            index: `${MATCH_EVENTS_INDEX_PREFIX}*`,
            query: { terms: { id: [...pending.keys()] } },
            _source: ['id'],
            size: pending.size,
          })
          .catch(() => undefined);
        const now = Date.now();
        for (const hit of found?.hits.hits ?? []) {
          const sent = pending.get(hit._source!.id);
          if (sent === undefined) continue;
          lags.push(now - sent);
          pending.delete(hit._source!.id);
        }
      }
    })();

    // Throughput: until the indexer has had every load event acknowledged, then check they
    // are all searchable.
    const before = await indexedBy(indexer.opsPort);
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) producer.publish(event(i, `load-${run}`));
    while ((await indexedBy(indexer.opsPort)) - before < EVENTS) await new Promise((r) => setTimeout(r, 50));
    const e2e = EVENTS / ((Date.now() - started) / 1000);
    probing = false;
    await probes;
    const searchable = await count(es, `load-${run}`);
    if (searchable !== EVENTS) throw new Error(`${searchable} of ${EVENTS} events searchable after indexing`);

    return {
      title: 'Match logs: producer to searchable',
      command: 'npm run bench:match-log',
      setup: `${EVENTS.toLocaleString('en')} events published at once through the room-server producer, Kafka, an indexer process and Elasticsearch`,
      baselineName: 'raw Elasticsearch bulk (same documents, 1,000 per request)',
      rows: [
        {
          metric: 'events per second',
          arena: Math.round(e2e).toLocaleString('en'),
          baseline: Math.round(raw).toLocaleString('en'),
          ratio: ratio(e2e, raw, 'higher'),
        },
        {
          metric: `publish-to-searchable lag p50 / p99 (ms, ${lags.length} probes during the burst)`,
          arena: `${percentile(lags, 50)} / ${percentile(lags, 99)}`,
          baseline: '',
          ratio: '',
        },
      ],
      notes: [
        'Throughput counts until Elasticsearch acknowledged every event (then all are checked searchable). The lag is measured while the burst drains, so it includes waiting behind it; events become searchable at the next index refresh (every 1 s).',
      ],
    };
  } finally {
    await producer.stop(1_000);
    await indexer.process.stop(5_000);
    await es.close();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runStandalone(import.meta.url, ['kafka', 'elasticsearch'], (env) =>
  benchMatchLog(env, { events: numberArg('events', 50_000) }),
);
