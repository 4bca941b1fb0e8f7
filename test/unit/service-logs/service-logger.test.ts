import { createServer, type Server } from 'node:net';
import type { DestinationStream } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceLogger } from '../../../shared/log/service-logger.js';
import { MAX_SHIPPED_LINE_BYTES, packLines } from '../../../shared/log/service-log-shipper.js';

/** A stdout stand-in that records lines and tells a waiter when one matches. */
class Captured implements DestinationStream {
  readonly lines: Record<string, unknown>[] = [];
  private waiters: { test: (l: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  write(line: string): void {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    this.lines.push(parsed);
    this.waiters = this.waiters.filter((w) => (w.test(parsed) ? (w.resolve(), false) : true));
  }
  next(test: (l: Record<string, unknown>) => boolean): Promise<void> {
    if (this.lines.some(test)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ test, resolve }));
  }
}

// A "Kafka" that accepts connections and then never answers: a broker that hangs.
let hung: Server;
let hungPort = 0;
beforeAll(async () => {
  hung = createServer(() => {});
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  hungPort = (hung.address() as { port: number }).port;
});
afterAll(() => {
  hung.close();
});

const config = (over: Partial<{ enabled: boolean; bufferLines: number }> = {}) => ({
  log: { level: 'info' as const },
  kafka: { brokers: [`127.0.0.1:${hungPort}`], clientId: 'test' },
  serviceLogs: { enabled: true, bufferLines: 20, partitions: 1, retentionDays: 7, ...over },
});

describe('service logger: stdout as before, plus a bounded buffer for Kafka', () => {
  it('never blocks on a Kafka that hangs: stdout gets every line, the buffer holds its bound, the rest are counted as dropped', async () => {
    const out = new Captured();
    const { log, shipper, stop } = createServiceLogger('gateway', 'gw-t', config(), out);
    try {
      for (let i = 0; i < 100; i++) log.warn({ playerId: `p-${i}` }, 'bad frame');
      // Synchronous: the 100 calls returned and wrote to stdout before any Kafka round trip.
      expect(out.lines.filter((l) => l.msg === 'bad frame')).toHaveLength(100);
      expect(out.lines[0]).toMatchObject({
        service: 'gateway',
        instance: 'gw-t',
        level: 40,
        playerId: 'p-0',
      });
      expect(shipper!.pending).toBe(20);
      expect(shipper!.dropped).toBe(80);

      // The drop is told once, on stdout, and that notice does not go into the buffer it reports on.
      await out.next((l) => String(l.msg).startsWith('service log lines dropped'));
      const notices = out.lines.filter((l) => String(l.msg).startsWith('service log lines dropped'));
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({ lines: 80, total: 80, service: 'gateway' });
      expect(shipper!.pending).toBe(20);
      expect(shipper!.dropped).toBe(80);
    } finally {
      await stop(100);
    }
    // What was still waiting at stop is counted too.
    expect(shipper!.dropped).toBe(100);
  }, 30_000);

  it('ships exactly what the level lets through, and drops a line too long for Kafka', async () => {
    const out = new Captured();
    const { log, shipper, stop } = createServiceLogger(
      'matchmaker',
      'mm-t',
      config({ bufferLines: 100 }),
      out,
    );
    try {
      log.debug('not at info');
      log.info({ roomId: 'r-1' }, 'placed');
      log.error({ err: new Error('boom') }, 'failed');
      expect(shipper!.pending).toBe(2);
      expect(shipper!.dropped).toBe(0);
      log.info({ blob: 'x'.repeat(MAX_SHIPPED_LINE_BYTES) }, 'huge');
      expect(shipper!.pending).toBe(2);
      expect(shipper!.dropped).toBe(1);
      expect(out.lines.map((l) => l.msg)).toEqual(['placed', 'failed', 'huge']);
    } finally {
      await stop(100);
    }
  });

  it('with SERVICE_LOGS_ENABLED false it only writes stdout', async () => {
    const out = new Captured();
    const { log, shipper, stop } = createServiceLogger(
      'room-server',
      'rs-t',
      config({ enabled: false }),
      out,
    );
    log.warn('hello');
    expect(shipper).toBeUndefined();
    expect(out.lines).toMatchObject([{ msg: 'hello', service: 'room-server', instance: 'rs-t' }]);
    await stop();
  });
});

describe('packLines (several lines per Kafka message)', () => {
  it('keeps every line, in order, in messages of at most the bound, a longer line alone', () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, msg: 'x'.repeat(i * 3) }));
    lines.splice(20, 0, JSON.stringify({ big: 'y'.repeat(2_000) }));
    const packed = packLines(lines, 500);
    expect(packed.flatMap((m) => m.split('\n'))).toEqual(lines);
    for (const m of packed) {
      const parts = m.split('\n');
      if (parts.length > 1) expect(Buffer.byteLength(m)).toBeLessThanOrEqual(500);
    }
    expect(packed).toContain(lines[20]); // the 2 kB line travels alone
    expect(packed.length).toBeGreaterThan(3);
    expect(packed.length).toBeLessThan(lines.length);
    expect(packLines([], 500)).toEqual([]);
  });
});
