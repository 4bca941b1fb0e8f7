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
import { startLocalStack } from '../infra/local/stack.js';
import { MATCH_EVENTS_INDEX_PREFIX, MATCH_EVENTS_MAPPING } from '../shared/events/es-mapping.js';
import { newMatchEvent } from '../shared/events/match-events.js';
import { percentile } from './percentile.js';
import { numberArg, runBench } from './bench-cli.js';

const EVENTS = numberArg('events', 50_000);
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

async function rawBulkRate(es: Client): Promise<number> {
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

async function main(): Promise<void> {
  const logDir = mkdtempSync(join(tmpdir(), 'arena-bench-log-'));
  const reuse = process.env.KAFKA_BROKERS && process.env.ELASTICSEARCH_URL;
  const stack = reuse ? undefined : await startLocalStack(['kafka', 'elasticsearch']);
  const brokers = process.env.KAFKA_BROKERS ?? stack!.env.KAFKA_BROKERS!;
  const esUrl = process.env.ELASTICSEARCH_URL ?? stack!.env.ELASTICSEARCH_URL!;
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
    const raw = await rawBulkRate(es);

    // Probes: one event every 100 ms during the load, each polled (every 20 ms) until a search finds it.
    const lags: number[] = [];
    let probing = true;
    const probeOne = async (i: number) => {
      const probe = event(i, `probe-${run}-${i}`);
      const sent = Date.now();
      producer.publish(probe);
      while (Date.now() - sent < 60_000) {
        const found = await es
          .count({ index: `${MATCH_EVENTS_INDEX_PREFIX}*`, query: { term: { id: probe.id } } })
          .catch(() => ({ count: 0 }));
        if (found.count > 0) return void lags.push(Date.now() - sent);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const inFlight: Promise<void>[] = [];
    const probes = (async () => {
      for (let i = 0; probing; i++) {
        inFlight.push(probeOne(i));
        await new Promise((r) => setTimeout(r, 100));
      }
      await Promise.all(inFlight);
    })();

    const started = Date.now();
    for (let i = 0; i < EVENTS; i++) producer.publish(event(i, `load-${run}`));
    while ((await count(es, `load-${run}`)) < EVENTS) await new Promise((r) => setTimeout(r, 100));
    const e2e = EVENTS / ((Date.now() - started) / 1000);
    probing = false;
    await probes;

    console.log(
      `\nMatch logs: ${EVENTS.toLocaleString('en')} events, producer -> Kafka -> indexer -> Elasticsearch`,
    );
    console.log(`raw Elasticsearch bulk (1000/request)       ${Math.round(raw).toLocaleString('en')} docs/s`);
    console.log(
      `Arena end to end, until all searchable      ${Math.round(e2e).toLocaleString('en')} events/s   ratio ${(e2e / raw).toFixed(2)}`,
    );
    console.log(
      `produce-to-searchable lag (${lags.length} probes)   p50 ${percentile(lags, 50)} ms, p99 ${percentile(lags, 99)} ms (index refresh interval 1 s)`,
    );
  } finally {
    await producer.stop(1_000);
    await indexer.process.stop(5_000);
    await es.close();
    await stack?.stop();
    rmSync(logDir, { recursive: true, force: true });
  }
}

runBench(main);
