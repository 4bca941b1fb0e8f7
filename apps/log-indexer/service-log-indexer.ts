import type { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { ensureTopics } from '../../shared/events/topics.js';
import type { Logger } from '../../shared/log/logger.js';
import { consumeBatches } from './batch-consumer.js';
import { SERVICE_LOGS_TOPIC } from '../../shared/log/service-log-index.js';
import { serviceLogDocument, type ServiceLogDocument } from './service-log-document.js';

export interface ServiceLogIndexerOptions {
  brokers: string[];
  clientId: string;
  /** Its own consumer group: service logs never hold up match events, nor the other way round. */
  groupId: string;
  partitions: number;
  es: Client;
  log: Logger;
}

const BULK_LINES = 1_000;

/**
 * Kafka `arena.service-logs` -> Elasticsearch `arena-logs-YYYY.MM.DD`, at least once without
 * duplicates: a line's document id is its topic position (partition, offset, line in the
 * message), so a redelivered batch overwrites
 * itself; offsets are committed only after Elasticsearch acknowledged the batch, and while it
 * is down the batch is retried with backoff. A line that can never be indexed (not JSON,
 * refused by the mapping) is counted in `rejected` and logged, then skipped: the service's
 * stdout still has it.
 */
export class ServiceLogIndexer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  indexed = 0;
  rejected = 0;
  bulkRetries = 0;

  constructor(private readonly o: ServiceLogIndexerOptions) {
    this.kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    await ensureTopics(this.kafka, [{ topic: SERVICE_LOGS_TOPIC, numPartitions: this.o.partitions }]);
    const consumer = this.kafka.consumer({ groupId: this.o.groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
    this.consumer = consumer;
    await consumer.connect();
    await consumeBatches(consumer, SERVICE_LOGS_TOPIC, (partition, messages, heartbeat, active) =>
      this.handle(partition, messages, heartbeat, active),
    );
  }

  /** Waits for the batch in hand: it is indexed and committed, or left for redelivery. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
  }

  private async handle(
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    const docs: (ServiceLogDocument & { id: string })[] = [];
    const reasons = new Set<string>();
    const now = Date.now();
    for (const m of messages) {
      // A message holds one or more lines of one instance, newline-separated (the shipper packs them).
      for (const [i, line] of (m.value?.toString('utf8') ?? '').split('\n').entries()) {
        const d = serviceLogDocument(line, now);
        if (typeof d === 'string') {
          this.rejected++;
          reasons.add(d);
        } else docs.push({ ...d, id: `${partition}-${m.offset}-${i}` });
      }
    }
    let refusedCount = 0;
    for (let i = 0; i < docs.length; i += BULK_LINES) {
      const refused = await this.writeWithRetry(docs.slice(i, i + BULK_LINES), heartbeat, active);
      refusedCount += refused.length;
      for (const r of refused) reasons.add(r);
    }
    this.rejected += refusedCount;
    this.indexed += docs.length - refusedCount;
    if (reasons.size > 0)
      this.o.log.warn({ partition, reasons: [...reasons].slice(0, 5) }, 'service log lines not indexed');
  }

  /** Indexes `docs`; returns the reasons of those Elasticsearch refused for good. */
  private async writeWithRetry(
    docs: (ServiceLogDocument & { id: string })[],
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<string[]> {
    let backoff = 200;
    for (;;) {
      let retryable: string | undefined;
      try {
        const response = await this.o.es.bulk({
          operations: docs.flatMap((d) => [{ index: { _index: d.index, _id: d.id } }, d.doc]),
        });
        const refused: string[] = [];
        for (const item of response.items) {
          const r = item.index;
          if (!r?.error) continue;
          if (r.status === 429 || r.status >= 500) {
            retryable = `item ${r.status}: ${r.error.type}`;
            break;
          }
          refused.push(`${r.error.type}: ${r.error.reason ?? ''}`.slice(0, 300));
        }
        if (retryable === undefined) return refused;
      } catch (err) {
        retryable = `bulk request failed: ${(err as Error).message}`;
      }
      this.bulkRetries++;
      this.o.log.warn(
        { reason: retryable, backoffMs: backoff },
        'Elasticsearch unavailable: service logs wait',
      );
      if (!active()) throw new Error('partition reassigned while Elasticsearch was down'); // redelivered elsewhere
      await new Promise((r) => setTimeout(r, backoff));
      await heartbeat().catch(() => {});
      backoff = Math.min(5_000, backoff * 2);
    }
  }
}
