import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';
import { MATCH_EVENTS_TOPIC, type MatchEvent } from '../../../shared/events/match-events.js';
import { ensureMatchEventTopics } from '../../../shared/events/topics.js';
import { SpillBuffer } from './spill-buffer.js';

export interface MatchEventProducerOptions {
  brokers: string[];
  clientId: string;
  spillDir: string;
  maxInMemory: number;
  /** Events waiting (memory and disk) before new ones are dropped and counted. */
  maxPending?: number;
  partitions: number;
  log: Logger;
  /** Events per Kafka request. */
  batchSize?: number;
}

/**
 * Sends match events to Kafka, keyed by match id (a match's events stay in order in one
 * partition), with the idempotent producer and gzip batches. publish() never blocks and never
 * fails: it writes the event ahead to a segment on disk (SpillBuffer), so once it returns the
 * event survives a crash of this process, and a restart on the same spill directory sends it.
 * Events wait while Kafka is unreachable and go out, oldest first, when it is back; a segment
 * is deleted only after Kafka acknowledged all of it. Every lost event is counted and logged.
 */
export class MatchEventProducer {
  private readonly buffer: SpillBuffer<MatchEvent>;
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private running = false;
  /** Ends the current pause: publish() ends an idle one, stop() any. */
  private wake: (() => void) | undefined;
  private idle = false;
  private loopDone: Promise<void> | undefined;
  sent = 0;

  constructor(private readonly o: MatchEventProducerOptions) {
    this.kafka = new Kafka({
      clientId: o.clientId,
      brokers: o.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      requestTimeout: 10_000,
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    let diskErrors = 0;
    let lastDiskErrorLog = 0;
    this.buffer = new SpillBuffer<MatchEvent>({
      dir: o.spillDir,
      maxInMemory: o.maxInMemory,
      maxPending: o.maxPending ?? 5_000_000,
      segmentSize: 10_000,
      onDrop: (count, reason) => o.log.error({ count, reason }, 'match events dropped'),
      onDiskError: (reason) => {
        // Once per 10 s at most: a full disk fails every event.
        diskErrors++;
        if (Date.now() - lastDiskErrorLog < 10_000) return;
        lastDiskErrorLog = Date.now();
        o.log.error({ reason, events: diskErrors }, 'match events held in memory only: spill disk failed');
        diskErrors = 0;
      },
    });
    if (this.buffer.recovered > 0)
      o.log.info(
        { events: this.buffer.recovered, dir: o.spillDir },
        'match events from an earlier run to send',
      );
  }

  get pending(): number {
    return this.buffer.size;
  }

  get dropped(): number {
    return this.buffer.dropped;
  }

  /** Events that went to disk because memory was full (during an outage). */
  get spilled(): number {
    return this.buffer.spilled;
  }

  /** How long the oldest event still waiting for Kafka has waited, in ms (0 when none waits). */
  oldestPendingAgeMs(now = Date.now()): number {
    const oldest = this.buffer.oldestInMemory();
    return oldest ? Math.max(0, now - oldest.ts) : 0;
  }

  publish(event: MatchEvent): void {
    this.buffer.push(event);
    if (this.idle) this.wake?.(); // not during a backoff: an outage is not retried per event
  }

  start(): void {
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Sends what is buffered while Kafka is connected (up to `timeoutMs`), then disconnects.
   * Every event is already on disk: what was not acknowledged stays there for the next run.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.size > 0 && Date.now() < deadline && this.producer)
      await new Promise((r) => setTimeout(r, 50));
    this.running = false;
    this.wake?.();
    await this.loopDone;
    await this.producer?.disconnect().catch(() => {});
    this.buffer.close();
    if (this.buffer.size > 0)
      this.o.log.info(
        { events: this.buffer.size, dir: this.o.spillDir },
        'match events left on disk for the next run',
      );
  }

  /** Resolves once everything published so far has been acknowledged by Kafka. */
  async flushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffer.size > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      const batch = this.buffer.peek(this.o.batchSize ?? 1_000);
      if (batch.length === 0) {
        await this.pause(100, true);
        continue;
      }
      try {
        const producer = await this.connected();
        await producer.send({
          topic: MATCH_EVENTS_TOPIC,
          compression: CompressionTypes.GZIP,
          messages: batch.map((e) => ({ key: e.matchId, value: JSON.stringify(e) })),
        });
        this.buffer.ack(batch.length);
        this.sent += batch.length;
        backoff = 100;
      } catch (err) {
        this.o.log.warn(
          { err: (err as Error).message, pending: this.buffer.size },
          'Kafka unavailable: holding match events',
        );
        await this.producer?.disconnect().catch(() => {});
        this.producer = undefined;
        await this.pause(backoff, false);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  /** Waits `ms`, or less if stop() is called (or, when `idle`, an event is published) meanwhile. */
  private pause(ms: number, idle: boolean): Promise<void> {
    this.idle = idle;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await ensureMatchEventTopics(this.kafka, this.o.partitions);
    this.producer = producer;
    return producer;
  }
}
