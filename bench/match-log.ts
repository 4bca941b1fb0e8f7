/**
 * `npm run bench:match-log [-- --events 50000]`
 *
 * End-to-end match-log throughput (room-server producer -> Kafka -> indexer process ->
 * Elasticsearch, until every event is searchable) and produce-to-searchable lag (p50 and p99,
 * or max when under 100 probes)
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

/**
 * The one stopping rule for Arena and the baseline: the clock stops when a count of the run's
 * own events (no forced refresh: the index's 1 s refresh interval applies to both) finds all.
 */
async function untilSearchable(es: Client, index: string, prefix: string, n: number): Promise<void> {
  for (;;) {
    const found = (
      await es.count({ index, query: { prefix: { matchId: prefix } } }).catch(() => ({ count: 0 }))
    ).count;
    if (found > n) throw new Error(`${found} events searchable for ${n} published: duplicates`);
    if (found === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function rawBulkRate(es: Client, EVENTS: number): Promise<number> {
  const index = `bench-raw-${run}`;
  await es.indices.create({
    index,
    // The match-event template's settings: same shards, replicas and refresh interval.
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' },
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
  await untilSearchable(es, index, `raw-${run}`, EVENTS);
  const rate = EVENTS / ((Date.now() - started) / 1000);
  await es.indices.delete({ index });
  return rate;
}

/** A percentile needs enough samples to differ from the extreme: under 100, p99 is the max. */
function lagFigures(lags: number[]): { label: string; value: string } {
  if (lags.length >= 100)
    return { label: 'p50 / p99', value: `${percentile(lags, 50)} / ${percentile(lags, 99)}` };
  return { label: 'p50 / max', value: `${percentile(lags, 50)} / ${Math.max(...lags)}` };
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

    // Throughput: until every one of this run's load events is searchable (the baseline's rule).
    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) producer.publish(event(i, `load-${run}`));
    await untilSearchable(es, `${MATCH_EVENTS_INDEX_PREFIX}*`, `load-${run}`, EVENTS);
    const e2e = EVENTS / ((Date.now() - started) / 1000);
    probing = false;
    await probes;
    const lag = lagFigures(lags);

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
          metric: `publish-to-searchable lag ${lag.label} (ms, ${lags.length} probes during the burst)`,
          arena: lag.value,
          baseline: '',
          ratio: '',
        },
      ],
      notes: [
        "Both rates stop on the same rule: a count of the run's own events (no forced refresh; both indices refresh every 1 s) finds every one, and no more. The lag is measured while the burst drains, so it includes waiting behind it; with under 100 probes the top figure is the max, not a p99.",
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
