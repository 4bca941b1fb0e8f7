import type { Client } from '@elastic/elasticsearch';
import { Kafka, logLevel, type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs';
import {
  invalidMatchEvent,
  MATCH_EVENTS_DLQ_TOPIC,
  MATCH_EVENTS_TOPIC,
  type MatchEvent,
} from '../../shared/events/match-events.js';
import { DEAD_LETTERS_INDEX } from '../../shared/events/es-mapping.js';
import { ensureMatchEventTopics } from '../../shared/events/topics.js';
import type { Logger } from '../../shared/log/logger.js';
import { consumeBatches } from './batch-consumer.js';
import { RetryableBulkError, writeBulk } from './bulk-writer.js';

export interface IndexerOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  partitions: number;
  es: Client;
  log: Logger;
  /** Told about every bulk request Elasticsearch acknowledged: how long it took and what it held. */
  onBulk?: (seconds: number, events: readonly MatchEvent[]) => void;
}

interface DeadLetter {
  message: KafkaMessage;
  partition: number;
  reason: string;
}

/**
 * Kafka -> Elasticsearch, at least once and without duplicates: a consumer group reads match
 * events, bulk-indexes them under their event ids, and commits a batch's offsets only after
 * Elasticsearch acknowledged it. While Elasticsearch is down it retries with backoff (and
 * keeps its group membership alive). Events that can never be indexed go to the dead-letter
 * topic with the reason. More instances share the partitions.
 */
export class LogIndexer {
  private readonly kafka: Kafka;
  private consumer: Consumer | undefined;
  private dlq: Producer | undefined;
  private admin: Promise<Admin> | undefined;
  indexed = 0;
  deadLettered = 0;
  bulkRetries = 0;

  constructor(private readonly o: IndexerOptions) {
    this.kafka = new Kafka({ clientId: o.clientId, brokers: o.brokers, logLevel: logLevel.NOTHING });
  }

  async start(): Promise<void> {
    await ensureMatchEventTopics(this.kafka, this.o.partitions);
    this.dlq = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.dlq.connect();
    const consumer = this.kafka.consumer({ groupId: this.o.groupId, maxBytesPerPartition: 4 * 1024 * 1024 });
    this.consumer = consumer;
    await consumer.connect();
    await consumeBatches(consumer, MATCH_EVENTS_TOPIC, (partition, messages, heartbeat, active) =>
      this.handle(partition, messages, heartbeat, active),
    );
  }

  /** Disconnecting waits for the batch in hand: it is indexed and committed, or left for redelivery. */
  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
    await this.dlq?.disconnect().catch(() => {});
    await (await this.admin?.catch(() => undefined))?.disconnect().catch(() => {});
  }

  /**
   * The group's lag per partition: messages in the topic past the group's committed offset
   * (what is not indexed yet), read from Kafka itself so that it grows even while this
   * indexer is stuck.
   */
  async lag(): Promise<Map<number, number>> {
    // One admin client, connected once (two scrapes at once share it; a failed connect is retried).
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((err: unknown) => {
      this.admin = undefined;
      throw err;
    });
    const admin = await this.admin;
    const [ends, groups] = await Promise.all([
      admin.fetchTopicOffsets(MATCH_EVENTS_TOPIC),
      admin.fetchOffsets({ groupId: this.o.groupId, topics: [MATCH_EVENTS_TOPIC] }),
    ]);
    const committed = new Map(groups[0]?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    return new Map(
      ends.map((p) => {
        const from = committed.get(p.partition) ?? -1;
        return [p.partition, Number(p.high) - (from >= 0 ? from : Number(p.low))];
      }),
    );
  }

  private async handle(
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    active: () => boolean,
  ): Promise<void> {
    const valid: MatchEvent[] = [];
    /** The Kafka message each valid event came from (same index): a dead letter names its own source. */
    const sources: KafkaMessage[] = [];
    const dead: DeadLetter[] = [];
    for (const message of messages) {
      let value: unknown;
      try {
        value = JSON.parse(message.value?.toString('utf8') ?? '');
      } catch {
        dead.push({ message, partition, reason: 'value is not JSON' });
        continue;
      }
      const reason = invalidMatchEvent(value);
      if (reason) dead.push({ message, partition, reason });
      else {
        valid.push(value as MatchEvent);
        sources.push(message);
      }
    }
    for (let i = 0; i < valid.length; i += 1_000) {
      const rejected = await this.writeWithRetry(valid.slice(i, i + 1_000), heartbeat, active);
      for (const r of rejected) dead.push({ message: sources[i + r.index]!, partition, reason: r.reason });
    }
    if (dead.length > 0) await this.deadLetter(dead);
    this.indexed += valid.length;
  }

  private async writeWithRetry(events: MatchEvent[], heartbeat: () => Promise<void>, active: () => boolean) {
    let backoff = 200;
    for (;;) {
      try {
        const started = performance.now();
        const { rejected } = await writeBulk(this.o.es, events);
        this.o.onBulk?.((performance.now() - started) / 1000, events);
        return rejected;
      } catch (err) {
        if (!(err instanceof RetryableBulkError)) throw err;
        this.bulkRetries++;
        this.o.log.warn({ reason: err.message, backoffMs: backoff }, 'Elasticsearch unavailable: waiting');
        if (!active()) throw new Error('partition reassigned while Elasticsearch was down'); // redelivered elsewhere
        await new Promise((r) => setTimeout(r, backoff));
        await heartbeat().catch(() => {});
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  private async deadLetter(dead: DeadLetter[]): Promise<void> {
    await this.dlq!.send({
      topic: MATCH_EVENTS_DLQ_TOPIC,
      messages: dead.map((d) => ({
        key: d.message.key,
        value: d.message.value,
        headers: {
          reason: d.reason,
          source: `${MATCH_EVENTS_TOPIC}/${d.partition}/${d.message.offset}`,
        },
      })),
    });
    this.deadLettered += dead.length;
    // For the ops dashboard; the DLQ topic above is the record, so a failure here is only logged.
    const now = Date.now();
    await this.o.es
      .bulk({
        operations: dead.flatMap((d) => [
          { index: { _index: DEAD_LETTERS_INDEX } },
          {
            ts: now,
            reason: d.reason,
            source: `${MATCH_EVENTS_TOPIC}/${d.partition}/${d.message.offset}`,
            key: d.message.key?.toString() ?? '',
          },
        ]),
      })
      .catch((err: Error) =>
        this.o.log.warn({ err: err.message }, 'could not index dead letters for the dashboard'),
      );
    this.o.log.warn(
      { count: dead.length, reasons: [...new Set(dead.map((d) => d.reason))] },
      'events sent to the dead-letter topic',
    );
  }
}
