import { CompressionTypes, Kafka, logLevel, type Producer } from 'kafkajs';
import { ensureTopics } from '../events/topics.js';
import { SERVICE_LOGS_TOPIC } from './service-log-index.js';

/** A line longer than this is not shipped (counted as dropped): Kafka's default message limit is 1 MB. */
export const MAX_SHIPPED_LINE_BYTES = 256 * 1024;
/** Lines per Kafka request. */
const BATCH_LINES = 2_000;
/**
 * Lines are packed into Kafka messages of up to this many bytes, newline-separated: kafkajs
 * spends ~15 µs of CPU per message, ten times what pino spends on a line, and a log burst
 * must not cost the service its CPU.
 */
const MESSAGE_BYTES = 256 * 1024;
const NOTICE_EVERY_MS = 10_000;

export interface ServiceLogShipperOptions {
  brokers: string[];
  clientId: string;
  /** Key of every line: the instance, so that its lines stay in order in one partition. */
  key: string;
  /** Lines waiting for Kafka; past this, new lines are dropped and counted. */
  maxLines: number;
  partitions: number;
  /**
   * Where the shipper's own notices go (Kafka away, lines dropped): stdout only, never into
   * the shipper itself. Called at most once per 10 s for each kind.
   */
  notice: (fields: Record<string, unknown>, msg: string) => void;
}

/**
 * Forwards a service's log lines to Kafka (`arena.service-logs`) for the log indexer. write()
 * is what pino calls for each line: it never blocks, never throws and never waits for Kafka; it
 * puts the line in a bounded memory buffer that a loop sends in batches. While Kafka is away the
 * buffer holds up to `maxLines` (sent oldest first when it is back); past that, new lines are
 * dropped and counted (`dropped`, arena_service_log_lines_dropped_total). Nothing goes to disk:
 * the service's stdout keeps every line anyway, and a write-ahead per line would put a disk write
 * on every log call.
 */
export class ServiceLogShipper {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private lines: string[] = [];
  private running = false;
  private wake: (() => void) | undefined;
  private idle = false;
  private loopDone: Promise<void> | undefined;
  private droppedSinceNotice = 0;
  private noticeTimer: NodeJS.Timeout | undefined;
  private lastDropNotice = 0;
  private lastKafkaNotice = 0;
  sent = 0;
  dropped = 0;

  constructor(private readonly o: ServiceLogShipperOptions) {
    this.kafka = new Kafka({
      clientId: o.clientId,
      brokers: o.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      requestTimeout: 10_000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
  }

  /** Lines waiting for Kafka. */
  get pending(): number {
    return this.lines.length;
  }

  /** pino's destination interface: one JSON line (with its newline) per call. */
  write(line: string): void {
    try {
      if (this.lines.length >= this.o.maxLines || Buffer.byteLength(line) > MAX_SHIPPED_LINE_BYTES) {
        this.drop();
        return;
      }
      this.lines.push(line.endsWith('\n') ? line.slice(0, -1) : line);
      if (this.idle) this.wake?.();
    } catch {
      // Logging must never fail the caller.
      this.drop();
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loopDone = this.loop();
  }

  /**
   * Sends what waits (for up to `timeoutMs` while Kafka answers), then disconnects. Lines still
   * waiting then are lost to Kafka (they are on stdout) and counted as dropped.
   */
  async stop(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length > 0 && this.producer && this.running && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    this.running = false;
    this.wake?.();
    // A send in flight to a Kafka that hangs can take its request timeout: do not wait for it.
    await Promise.race([
      this.loopDone,
      new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
    ]);
    const left = this.lines.length;
    this.lines = [];
    this.dropped += left;
    if (this.noticeTimer) clearTimeout(this.noticeTimer);
    if (left > 0) this.o.notice({ lines: left }, 'service log lines not sent to Kafka before stopping');
    await this.producer?.disconnect().catch(() => {});
  }

  /** Resolves true once every line written so far was acknowledged by Kafka (false at the deadline). */
  async flushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length > 0) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  private drop(): void {
    this.dropped++;
    this.droppedSinceNotice++;
    // Told later from a timer, never from inside write(): the notice is itself a log line.
    if (this.noticeTimer) return;
    const wait = Math.max(0, this.lastDropNotice + NOTICE_EVERY_MS - Date.now());
    this.noticeTimer = setTimeout(() => {
      this.noticeTimer = undefined;
      this.lastDropNotice = Date.now();
      const lines = this.droppedSinceNotice;
      this.droppedSinceNotice = 0;
      this.o.notice(
        { lines, total: this.dropped, pending: this.lines.length },
        'service log lines dropped: buffer for Kafka full (or a line too long)',
      );
    }, wait);
    this.noticeTimer.unref();
  }

  private async loop(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      if (this.lines.length === 0) {
        await this.pause(1_000, true);
        continue;
      }
      const batch = this.lines.slice(0, BATCH_LINES);
      try {
        const producer = await this.connected();
        await producer.send({
          topic: SERVICE_LOGS_TOPIC,
          compression: CompressionTypes.GZIP,
          messages: packLines(batch, MESSAGE_BYTES).map((value) => ({ key: this.o.key, value })),
        });
        this.lines.splice(0, batch.length);
        this.sent += batch.length;
        backoff = 100;
      } catch (err) {
        if (Date.now() - this.lastKafkaNotice >= NOTICE_EVERY_MS) {
          this.lastKafkaNotice = Date.now();
          this.o.notice(
            { err: (err as Error).message, pending: this.lines.length },
            'Kafka unavailable: service log lines wait in memory',
          );
        }
        await this.producer?.disconnect().catch(() => {});
        this.producer = undefined;
        await this.pause(backoff, false);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  /** Waits `ms`, or less if stop() is called (or, when `idle`, a line is written) meanwhile. */
  private pause(ms: number, idle: boolean): Promise<void> {
    this.idle = idle;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.idle = false;
        resolve();
      };
    });
  }

  private async connected(): Promise<Producer> {
    if (this.producer) return this.producer;
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    try {
      await producer.connect();
      await ensureTopics(this.kafka, [{ topic: SERVICE_LOGS_TOPIC, numPartitions: this.o.partitions }]);
      // stop() gave up waiting for this connect: do not leave a connection behind.
      if (!this.running) throw new Error('stopped');
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw err;
    }
    this.producer = producer;
    return producer;
  }
}

/**
 * Newline-joined groups of consecutive lines, each at most `maxBytes` (a longer line alone). The
 * log indexer splits them again; a line never contains a newline (JSON escapes it).
 */
export function packLines(lines: readonly string[], maxBytes: number): string[] {
  const packed: string[] = [];
  let group: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 1;
    if (group.length > 0 && bytes + size > maxBytes) {
      packed.push(group.join('\n'));
      group = [];
      bytes = 0;
    }
    group.push(line);
    bytes += size;
  }
  if (group.length > 0) packed.push(group.join('\n'));
  return packed;
}
