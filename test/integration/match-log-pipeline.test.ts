import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatEvent, matchEvents } from '../../apps/cli/match-log-query.js';
import { MatchEventProducer } from '../../apps/room-server/match-log/match-event-producer.js';
import { startArenaApp, type RunningApp } from '../../infra/local/arena-apps.js';
import { startElasticsearch } from '../../infra/local/elasticsearch.js';
import { startKafka } from '../../infra/local/kafka.js';
import { cacheDir, makeRunDir } from '../../infra/local/paths.js';
import type { RestartableService } from '../../infra/local/restartable-process.js';
import {
  MATCH_EVENTS_DLQ_TOPIC,
  MATCH_EVENTS_TOPIC,
  newMatchEvent,
} from '../../shared/events/match-events.js';
import { MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import { ensureMatchEventTopics } from '../../shared/events/topics.js';
import { SERVICE_LOGS_INDEX_PREFIX } from '../../shared/log/service-log-index.js';
import { createServiceLogger } from '../../shared/log/service-logger.js';
import { samples } from '../helpers/prometheus-text.js';
import { uniqueName } from '../helpers/services.js';

// Dedicated Kafka and Elasticsearch: these tests stop and restart them.
const runDir = makeRunDir();
let kafka: RestartableService;
let elastic: RestartableService;
let es: Client;
const indexers: RunningApp[] = [];
const log = pino({ level: 'silent' });

beforeAll(async () => {
  [kafka, elastic] = await Promise.all([
    startKafka(cacheDir(), runDir),
    startElasticsearch(cacheDir(), runDir, 'arena-es'),
  ]);
  es = new Client({ node: elastic.env.ELASTICSEARCH_URL!, maxRetries: 0, requestTimeout: 5_000 });
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(indexers.map((i) => i.process.stop(5_000)));
  await es?.close();
  await Promise.allSettled([kafka?.stop(), elastic?.stop()]);
  rmSync(runDir, { recursive: true, force: true });
}, 120_000);

function producer(maxInMemory = 100_000) {
  const p = new MatchEventProducer({
    brokers: [kafka.env.KAFKA_BROKERS!],
    clientId: uniqueName('test-producer'),
    spillDir: join(runDir, uniqueName('spill')),
    maxInMemory,
    partitions: 6,
    log,
  });
  p.start();
  return p;
}

/**
 * An indexer in `group`, once it consumes. Joining a group whose previous member was SIGKILLed
 * waits for that member's session to time out (kafkajs: 30 s), hence the longer wait for ready.
 */
async function startIndexer(group: string): Promise<RunningApp> {
  const app = await startArenaApp(
    'log-indexer',
    uniqueName('ix'),
    {
      KAFKA_BROKERS: kafka.env.KAFKA_BROKERS!,
      ELASTICSEARCH_URL: elastic.env.ELASTICSEARCH_URL!,
      LOG_INDEXER_GROUP: group,
      LOG_INDEXER_OPS_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    runDir,
    { readyTimeoutMs: 90_000 },
  );
  indexers.push(app);
  return app;
}

/**
 * Commits `group`'s offsets at the topic's current end, so that an indexer started in it reads
 * only what comes next: a fresh group otherwise re-reads the 100k+ events of earlier tests first,
 * which on a loaded machine outlasts the test's deadline.
 */
async function groupAtTopicEnd(group: string): Promise<void> {
  const k = new Kafka({
    clientId: 'offsets',
    brokers: [kafka.env.KAFKA_BROKERS!],
    logLevel: logLevel.NOTHING,
  });
  await ensureMatchEventTopics(k, 6); // a test run alone may come first
  const admin = k.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(MATCH_EVENTS_TOPIC);
    await admin.setOffsets({
      groupId: group,
      topic: MATCH_EVENTS_TOPIC,
      partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })),
    });
  } finally {
    await admin.disconnect();
  }
}

/** Searchable documents whose match id starts with `prefix` (refreshes first). */
async function searchable(prefix: string): Promise<number> {
  try {
    await es.indices.refresh({ index: `${MATCH_EVENTS_INDEX_PREFIX}*` });
    return (
      await es.count({ index: `${MATCH_EVENTS_INDEX_PREFIX}*`, query: { prefix: { matchId: prefix } } })
    ).count;
  } catch {
    return -1; // Elasticsearch down or indices not created yet
  }
}

/** Elasticsearch offers no event for "N documents are searchable": poll it. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const events = (prefix: string, n: number, matches = 100) =>
  Array.from({ length: n }, (_, i) =>
    newMatchEvent({
      type: 'game_event',
      matchId: `${prefix}${i % matches}`,
      roomId: `r-${i % matches}`,
      serverId: 'rs-test',
      name: 'tick',
      detail: String(i),
    }),
  );

describe('match logs: Kafka to Elasticsearch (real broker, real node)', () => {
  it('indexes 100,000 events exactly once although the indexer is killed mid-stream', async () => {
    const p = producer();
    for (const e of events('big-', 100_000, 500)) p.publish(e);
    expect(await p.flushed(120_000)).toBe(true);
    await p.stop();

    const group = uniqueName('group-big');
    const first = await startIndexer(group);
    await until('a third indexed', async () => (await searchable('big-')) >= 30_000);
    first.process.signal('SIGKILL'); // uncommitted batches will be delivered again
    await startIndexer(group);
    await until('all 100,000 searchable', async () => (await searchable('big-')) >= 100_000);
    expect(await searchable('big-')).toBe(100_000); // ids are document ids: redelivery overwrote, never added

    // What `npm run arena -- logs match big-7` shows: that match's 200 events, oldest first.
    const shown = await matchEvents(es, 'big-7');
    expect(shown).toHaveLength(200);
    expect(shown.every((e, i) => i === 0 || e.ts >= shown[i - 1]!.ts)).toBe(true);
    expect(formatEvent(shown[0]!)).toMatch(/game_event\s+room=r-7 server=rs-test/);
  }, 300_000);

  it('reads each event once: an indexer does not fetch again what it has indexed', async () => {
    // The group starts at the topic's end: from its beginning it would first index the 100k+
    // events of the test before, which under load outlasted the deadline (the ES-outage test too).
    const group = uniqueName('group-once');
    await groupAtTopicEnd(group);
    const ix = await startIndexer(group);
    const scrape = async () => samples(await (await fetch(`http://127.0.0.1:${ix.opsPort}/metrics`)).text());
    const indexed = async () => (await scrape()).get('arena_indexer_indexed_events_total') ?? 0;
    const lag = async () =>
      [...(await scrape())]
        .filter(([k]) => k.startsWith('arena_indexer_consumer_lag_messages{'))
        .reduce((n, [, v]) => n + v, 0);
    await until('the new group to report no lag', async () => (await lag()) === 0);
    const before = await indexed();

    const p = producer();
    for (const e of events('once-', 10, 10)) p.publish(e);
    expect(await p.flushed(30_000)).toBe(true);
    await p.stop();
    await until(
      'the 10 new events searchable and committed',
      async () => (await searchable('once-')) === 10 && (await lag()) === 0,
    );
    // Exactly the new ones: an indexer whose fetch position did not move would index old ones again.
    expect((await indexed()) - before).toBe(10);
  }, 180_000);

  it('loses nothing while Kafka is down: events wait in memory, then on disk, then go out', async () => {
    const p = producer(500); // small memory bound: the outage spills to disk
    const before = events('ko-', 1_000);
    const during = events('ko-', 3_000);
    for (const e of before) p.publish(e);
    expect(await p.flushed(60_000)).toBe(true);
    const spilledBefore = p.spilled;
    await kafka.halt();
    try {
      for (const e of during) p.publish(e);
      expect(p.pending).toBe(3_000);
      expect(p.spilled - spilledBefore).toBe(2_500); // 500 in memory, the rest on disk
    } finally {
      await kafka.resume();
    }
    expect(await p.flushed(120_000)).toBe(true);
    expect(p.dropped).toBe(0);
    await p.stop();

    await startIndexer(uniqueName('group-ko'));
    await until('all 4,000 searchable', async () => (await searchable('ko-')) >= 4_000);
    expect(await searchable('ko-')).toBe(4_000);
  }, 300_000);

  it('waits out an Elasticsearch outage, retrying its bulk requests, and catches up, count exact', async () => {
    const group = uniqueName('group-eo');
    await groupAtTopicEnd(group);
    const ix = await startIndexer(group);
    const retries = async () =>
      samples(await (await fetch(`http://127.0.0.1:${ix.opsPort}/metrics`)).text()).get(
        'arena_indexer_bulk_retries_total',
      ) ?? 0;
    const retriesBefore = await retries();
    const p = producer();
    await elastic.halt();
    try {
      for (const e of events('eo-', 3_000)) p.publish(e);
      expect(await p.flushed(60_000)).toBe(true);
      await p.stop();
      // The indexer has the events and meets a dead Elasticsearch: it must retry, not drop or commit.
      await until('the indexer to retry a bulk request', async () => (await retries()) >= retriesBefore + 2);
      expect(await searchable('eo-')).toBe(-1); // still down: nothing indexed meanwhile
    } finally {
      await elastic.resume();
    }
    await until('all 3,000 searchable', async () => (await searchable('eo-')) >= 3_000);
    expect(await searchable('eo-')).toBe(3_000);
  }, 300_000);

  it('sends poison messages to the dead-letter topic with the reason and keeps indexing', async () => {
    const k = new Kafka({
      clientId: 'poison',
      brokers: [kafka.env.KAFKA_BROKERS!],
      logLevel: logLevel.NOTHING,
    });
    const raw = k.producer();
    await raw.connect();
    await raw.send({
      topic: MATCH_EVENTS_TOPIC,
      messages: [
        { key: 'poison', value: 'this is not json' },
        { key: 'poison', value: JSON.stringify({ v: 1, id: 'not-a-uuid', type: 'match_ended' }) },
        ...events('after-poison-', 10).map((e) => ({ key: e.matchId, value: JSON.stringify(e) })),
      ],
    });
    await raw.disconnect();
    await startIndexer(uniqueName('group-poison'));
    await until('the events after the poison', async () => (await searchable('after-poison-')) >= 10);

    const consumer = k.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: MATCH_EVENTS_DLQ_TOPIC, fromBeginning: true });
    const reasons: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() !== 'poison') return;
          reasons.push(String(message.headers?.reason));
          if (reasons.length === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(reasons.sort()).toEqual(['id must be a UUID', 'value is not JSON']);
  }, 300_000);

  it('dead-letters each mapping rejection with its own partition, offset, key and value', async () => {
    const tag = uniqueName('rej');
    const k = new Kafka({
      clientId: 'rejects',
      brokers: [kafka.env.KAFKA_BROKERS!],
      logLevel: logLevel.NOTHING,
    });
    const raw = k.producer();
    await raw.connect();
    await ensureMatchEventTopics(k, 6); // this test may run alone (-t): nothing created the topic yet
    // Valid events first, then two the strict mapping refuses (an unknown field), in one partition:
    // the indexer gets them in one batch, and the rejected ones are not the batch's first message.
    const good = events(`${tag}-ok-`, 3, 3).map((e) => ({ key: `${tag}-ok`, value: JSON.stringify(e) }));
    const bad = [1, 2].map((n) => ({
      key: `${tag}-bad-${n}`,
      value: JSON.stringify({ ...events(`${tag}-bad-`, 1)[0]!, unexpected: n }),
    }));
    const [meta] = await raw.send({
      topic: MATCH_EVENTS_TOPIC,
      messages: [...good, ...bad].map((m) => ({ ...m, partition: 4 })),
    });
    await raw.disconnect();
    const base = BigInt(meta!.baseOffset!);
    await startIndexer(uniqueName('group-rej'));

    const consumer = k.consumer({ groupId: uniqueName('dlq-reader') });
    await consumer.connect();
    await consumer.subscribe({ topic: MATCH_EVENTS_DLQ_TOPIC, fromBeginning: true });
    const letters: { key: string; source: string; value: string; reason: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for 2 dead letters')), 120_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const key = message.key?.toString() ?? '';
          if (!key.startsWith(tag)) return;
          letters.push({
            key,
            source: String(message.headers?.source),
            value: message.value?.toString() ?? '',
            reason: String(message.headers?.reason),
          });
          if (letters.length === 2) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    letters.sort((a, b) => a.key.localeCompare(b.key));
    expect(letters.map(({ key, source, value }) => ({ key, source, value }))).toEqual(
      bad.map((m, i) => ({
        key: m.key,
        source: `${MATCH_EVENTS_TOPIC}/4/${(base + 3n + BigInt(i)).toString()}`,
        value: m.value,
      })),
    );
    expect(letters.every((l) => l.reason.startsWith('strict_dynamic_mapping_exception'))).toBe(true);
  }, 300_000);
});

describe('service logs through a Kafka that stops and comes back (real broker, real node)', () => {
  it('lines logged while Kafka is down wait in the bounded buffer (the overflow counted), then are indexed', async () => {
    const ix = await startIndexer(uniqueName('group-svclogs'));
    const instance = uniqueName('rs-svclogs');
    const stdout: string[] = [];
    const { log, shipper, stop } = createServiceLogger(
      'room-server',
      instance,
      {
        log: { level: 'info' },
        kafka: { brokers: [kafka.env.KAFKA_BROKERS!], clientId: 'test' },
        serviceLogs: { enabled: true, bufferLines: 50, partitions: 3, retentionDays: 7 },
      },
      { write: (line: string) => void stdout.push(line) },
    );
    try {
      log.warn({ roomId: 'r-before' }, 'before the outage');
      expect(await shipper!.flushed(60_000)).toBe(true);
      await kafka.halt();
      try {
        for (let i = 0; i < 80; i++) log.warn({ roomId: `r-${i}`, i }, 'during the outage');
        // The logging calls returned at once; the buffer holds its bound, the rest are counted.
        expect(shipper!.pending).toBe(50);
        expect(shipper!.dropped).toBe(30);
      } finally {
        await kafka.resume();
      }
      expect(await shipper!.flushed(120_000)).toBe(true);
      expect(shipper!.dropped).toBe(30);
      // Every line is on stdout, dropped or not.
      expect(stdout.filter((l) => l.includes('during the outage'))).toHaveLength(80);

      const ours = async () => {
        await es.indices.refresh({ index: `${SERVICE_LOGS_INDEX_PREFIX}*`, ignore_unavailable: true });
        const r = await es.search<{ roomId: string; msg: string }>({
          index: `${SERVICE_LOGS_INDEX_PREFIX}*`,
          ignore_unavailable: true,
          query: { term: { instance } },
          size: 200,
        });
        return r.hits.hits.map((h) => h._source!);
      };
      await until('the 51 shipped lines searchable', async () => (await ours()).length >= 51);
      const docs = await ours();
      expect(docs).toHaveLength(51);
      // The oldest 50 of the outage were kept (new ones are dropped when the buffer is full).
      expect(new Set(docs.map((d) => d.roomId))).toEqual(
        new Set(['r-before', ...Array.from({ length: 50 }, (_, i) => `r-${i}`)]),
      );
      const indexed = samples(await (await fetch(`http://127.0.0.1:${ix.opsPort}/metrics`)).text()).get(
        'arena_indexer_service_log_lines_indexed_total',
      );
      expect(indexed).toBeGreaterThanOrEqual(51);
    } finally {
      await stop(5_000);
    }
  }, 300_000);
});
