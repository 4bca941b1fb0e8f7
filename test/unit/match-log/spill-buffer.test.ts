import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpillBuffer, type SpillBufferOptions } from '../../../apps/room-server/match-log/spill-buffer.js';
import { spillDirFor } from '../../../apps/room-server/match-log/spill-dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'spill-test-'));
  dirs.push(d);
  return d;
}

interface Ev {
  n: number;
}

function buffer(dir: string, o: Partial<SpillBufferOptions> = {}) {
  const drops: { count: number; reason: string }[] = [];
  const b = new SpillBuffer<Ev>({
    dir,
    maxInMemory: 1_000,
    maxPending: 1_000_000,
    segmentSize: 10,
    onDrop: (count, reason) => drops.push({ count, reason }),
    ...o,
  });
  return { b, drops };
}

const linesOnDisk = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').filter(Boolean).length, 0);

/** Everything a buffer on `dir` delivers, acknowledging as it goes. */
function drain(b: SpillBuffer<Ev>): number[] {
  const out: number[] = [];
  for (;;) {
    const batch = b.peek(7);
    if (batch.length === 0) return out;
    out.push(...batch.map((e) => e.n));
    b.ack(batch.length);
  }
}

describe('SpillBuffer: write-ahead match events', () => {
  it('has every event on disk when push() returns, so a crash (no close) right after loses none', () => {
    const dir = newDir();
    const { b } = buffer(dir); // memory has room: the old buffer kept these in memory only
    for (let n = 0; n < 25; n++) b.push({ n });
    expect(linesOnDisk(dir)).toBe(25);
    // The process dies here: no close(), no ack. Its successor opens the same directory.
    const { b: next } = buffer(dir);
    expect(next.recovered).toBe(25);
    expect(next.size).toBe(25);
    expect(drain(next)).toEqual(Array.from({ length: 25 }, (_, n) => n));
  });

  it('keeps a segment it has read back until every event in it is acknowledged (crash after load)', () => {
    const dir = newDir();
    const { b } = buffer(dir, { maxInMemory: 5 });
    for (let n = 0; n < 30; n++) b.push({ n });
    b.peek(5);
    b.ack(5); // memory is free again: the next peek reads a segment from disk
    expect(b.peek(5).map((e) => e.n)).toEqual([5, 6, 7, 8, 9]);
    // Crash with those loaded but not acknowledged: they must still be on disk.
    const { b: next } = buffer(dir, { maxInMemory: 5 });
    const delivered = drain(next);
    // The first segment (0-9) was half acknowledged: it is sent again whole (the indexer dedups by id).
    expect(delivered).toEqual(Array.from({ length: 30 }, (_, n) => n));
  });

  it('deletes a segment only once all its events are acknowledged', () => {
    const dir = newDir();
    const { b } = buffer(dir);
    for (let n = 0; n < 25; n++) b.push({ n }); // segments of 10, 10, 5
    expect(b.segmentCount).toBe(3);
    b.peek(9);
    b.ack(9);
    expect(b.segmentCount).toBe(3);
    b.peek(1);
    b.ack(1);
    expect(b.segmentCount).toBe(2);
    expect(linesOnDisk(dir)).toBe(15);
    b.peek(15);
    b.ack(15);
    expect(b.segmentCount).toBe(1); // the one still being appended to stays, empty of pending events
    b.close();
    expect(b.segmentCount).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits on disk only past the memory bound and delivers in order', () => {
    const dir = newDir();
    const { b } = buffer(dir, { maxInMemory: 4 });
    for (let n = 0; n < 23; n++) b.push({ n });
    expect(b.spilled).toBe(19);
    expect(b.size).toBe(23);
    expect(drain(b)).toEqual(Array.from({ length: 23 }, (_, n) => n));
    expect(b.size).toBe(0);
  });

  it('counts and reports a corrupt line of a segment, and delivers the rest', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'seg-000000000000.jsonl'), '{"n":0}\n{"n":1\n{"n":2}\n{"n":3'); // torn last line too
    const { b, drops } = buffer(dir);
    expect(drain(b)).toEqual([0, 2]);
    expect(b.dropped).toBe(2);
    expect(drops).toEqual([{ count: 2, reason: expect.stringMatching(/corrupt line/) as string }]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it('counts and reports events refused when the buffer is full', () => {
    const dir = newDir();
    const { b, drops } = buffer(dir, { maxPending: 5 });
    for (let n = 0; n < 8; n++) b.push({ n });
    expect(b.size).toBe(5);
    expect(b.dropped).toBe(3);
    expect(drops.map((d) => d.reason)).toEqual(['buffer full', 'buffer full', 'buffer full']);
  });

  it('refuses a directory another live process owns', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'owner.lock'), String(process.ppid));
    expect(() => buffer(dir)).toThrow(/in use by process/);
  });

  it('takes over the directory of a process that is gone', () => {
    const dir = newDir();
    writeFileSync(join(dir, 'owner.lock'), '999999999');
    const { b } = buffer(dir);
    b.push({ n: 1 });
    expect(readFileSync(join(dir, 'owner.lock'), 'utf8')).toBe(String(process.pid));
  });
});

describe('spillDirFor: a stable identity, never the pid', () => {
  it('uses MATCH_LOG_SPILL_DIR, else the server id, else the host and link port', () => {
    expect(spillDirFor({ spillDir: '/data/spill', serverId: 'rs-a', port: 7700 }, '/tmp', 'h')).toBe(
      '/data/spill',
    );
    expect(spillDirFor({ spillDir: '', serverId: 'rs-a', port: 7700 }, '/tmp', 'h')).toBe(
      '/tmp/arena-match-log-rs-a',
    );
    expect(spillDirFor({ spillDir: '', serverId: '', port: 7700 }, '/tmp', 'node 1')).toBe(
      '/tmp/arena-match-log-node-1-7700',
    );
    expect(spillDirFor({ spillDir: '', serverId: '', port: 0 }, '/tmp', 'h')).toBe('/tmp/arena-match-log-h');
    expect(spillDirFor({ spillDir: '', serverId: '', port: 7700 })).not.toContain(String(process.pid));
  });
});
