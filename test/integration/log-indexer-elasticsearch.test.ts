import { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteExpiredIndices, ensureIndexTemplate } from '../../apps/log-indexer/es-setup.js';
import { LogIndexer } from '../../apps/log-indexer/indexer.js';
import { RetryableBulkError, writeBulk } from '../../apps/log-indexer/bulk-writer.js';
import { indexForEvent, MATCH_EVENTS_INDEX_PREFIX } from '../../shared/events/es-mapping.js';
import { MATCH_EVENTS_TOPIC, newMatchEvent } from '../../shared/events/match-events.js';
import { ensureMatchEventTopics } from '../../shared/events/topics.js';
import { testConfig, uniqueName } from '../helpers/services.js';

const config = testConfig();
const es = new Client({ node: config.elasticsearch.url, maxRetries: 0, requestTimeout: 10_000 });
const log = pino({ level: 'silent' });

beforeAll(async () => {
  await ensureIndexTemplate(es);
});
afterAll(() => es.close());

/** Elasticsearch offers no event for "N documents are searchable": poll, with a deadline. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('log indexer against a real Elasticsearch', () => {
  it('retention deletes exactly the daily indices older than LOG_RETENTION_DAYS', async () => {
    // Dates of their own (1999) so that no other test's index is in reach.
    const old = `${MATCH_EVENTS_INDEX_PREFIX}1999.01.01`;
    const edge = `${MATCH_EVENTS_INDEX_PREFIX}1999.01.31`;
    const kept = `${MATCH_EVENTS_INDEX_PREFIX}1999.02.01`;
    await es.indices.delete({ index: [old, edge, kept], ignore_unavailable: true });
    for (const index of [old, edge, kept]) await es.indices.create({ index });
    // 30 days before 1999-03-02T00:00Z is 1999-01-31T00:00Z: the day 1999.01.31 ended after it.
    const deleted = await deleteExpiredIndices(es, 30, Date.UTC(1999, 2, 2));
    expect(deleted.filter((i) => i.includes('1999')).sort()).toEqual([old]);
    const left = await es.indices.exists({ index: [edge, kept] });
    expect(left).toBe(true);
    expect(await es.indices.exists({ index: old })).toBe(false);
    await es.indices.delete({ index: [edge, kept] });
  });

  it('a 429 from Elasticsearch (an index blocked as at the disk flood stage) is retried until it clears, nothing lost', async () => {
    // Events of their own day, in the future: no other test's index, and no indexer's retention
    // (which deletes past days at start) can delete it meanwhile.
    const ts = Date.UTC(2090, 4, 5, 12);
    const index = indexForEvent(ts);
    const tag = uniqueName('blocked');
    await es.indices.delete({ index, ignore_unavailable: true });
    await es.indices.create({ index });
    await es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': true } });
    const events = Array.from({ length: 50 }, (_, i) =>
      newMatchEvent({ ts, type: 'game_event', matchId: `${tag}-${i % 5}`, roomId: 'r', serverId: 'rs-x' }),
    );

    // The bulk writer calls it retryable, not a rejection for the dead-letter topic.
    const err = await writeBulk(es, events).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryableBulkError);
    expect((err as Error).message).toMatch(/^item 429: cluster_block_exception/);

    const kafka = new Kafka({ brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await ensureMatchEventTopics(kafka, config.matchLog.partitions);
    const indexer = new LogIndexer({
      brokers: config.kafka.brokers,
      clientId: uniqueName('ix-429'),
      groupId: uniqueName('ix-429'),
      partitions: config.matchLog.partitions,
      es,
      log,
    });
    try {
      await producer.send({
        topic: MATCH_EVENTS_TOPIC,
        messages: events.map((e) => ({ key: e.matchId, value: JSON.stringify(e) })),
      });
      await indexer.start();
      await until('the indexer to retry the refused bulk', async () => indexer.bulkRetries >= 2);
      expect(indexer.deadLettered).toBe(0);
      await es.indices.putSettings({ index, settings: { 'index.blocks.read_only_allow_delete': null } });
      const count = async () => {
        await es.indices.refresh({ index });
        return (await es.count({ index, query: { prefix: { matchId: `${tag}-` } } })).count;
      };
      await until('all 50 events indexed once the block is lifted', async () => (await count()) === 50);
      expect(indexer.deadLettered).toBe(0);
    } finally {
      await indexer.stop();
      await producer.disconnect();
      await es.indices.delete({ index, ignore_unavailable: true });
    }
  }, 120_000);
});
