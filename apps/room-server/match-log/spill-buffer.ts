import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface SpillBufferOptions {
  /** Events held in memory; past this, new ones wait on disk only until memory has room. */
  maxInMemory: number;
  /** Events waiting in all (memory and disk); past this, new ones are dropped and counted. */
  maxPending: number;
  /** Directory of the write-ahead segments (JSON lines). One process owns it at a time. */
  dir: string;
  /** Events per segment file. */
  segmentSize: number;
  /** Events lost for good: a full buffer, a failing disk, a corrupt line in a segment. */
  onDrop: (count: number, reason: string) => void;
  /** An event could not be written to disk but is held in memory (lost only if the process dies). */
  onDiskError?: (reason: string) => void;
}

interface Segment {
  file: string;
  /** Open while this process appends to it. */
  fd: number | undefined;
  /** Lines in the file. */
  written: number;
  /** Lines read into memory (or settled), from the start. */
  loaded: number;
  /** Lines delivered (or dropped as corrupt): the file goes once all are. */
  acked: number;
}

interface Entry<T> {
  item: T;
  /** The segment holding its copy on disk; none when the disk write failed. */
  seg: Segment | undefined;
}

const SEGMENT = /^seg-.*\.jsonl$/;
const LOCK = 'owner.lock';

/**
 * A write-ahead FIFO of events: every event is appended to a segment file on disk before
 * push() returns, so it survives a crash (SIGKILL included) of this process; the kernel holds
 * the written pages. A copy waits in memory, up to a bound, for delivery; past the bound
 * events wait on disk only and are read back in order. A segment file is deleted only once
 * every event in it was acknowledged (ack()); a restart on the same directory finds the
 * segments and delivers them first (again, if they were sent but not yet acknowledged: the
 * consumer dedups by event id). Every lost event is counted and reported through onDrop.
 */
export class SpillBuffer<T> {
  private memory: Entry<T>[] = [];
  private segments: Segment[] = [];
  private writing: Segment | undefined;
  private seq = 0;
  /** Events on disk not yet read into memory. */
  private diskOnly = 0;
  private closed = false;
  /** Events that waited on disk only because memory was full. */
  spilled = 0;
  dropped = 0;
  /** Events found on disk at start, left by an earlier run. */
  readonly recovered: number;

  constructor(private readonly o: SpillBufferOptions) {
    mkdirSync(o.dir, { recursive: true });
    claimDirectory(o.dir);
    const files = readdirSync(o.dir)
      .filter((f) => SEGMENT.test(f))
      .sort();
    for (const name of files) {
      const file = join(o.dir, name);
      const lines = readFileSync(file, 'utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      this.segments.push({ file, fd: undefined, written: lines.length, loaded: 0, acked: 0 });
      this.diskOnly += lines.length;
      const n = Number(/(\d+)\.jsonl$/.exec(name)?.[1] ?? 0);
      this.seq = Math.max(this.seq, n + 1);
    }
    this.recovered = this.diskOnly;
    this.reap(); // empty leftovers
  }

  get size(): number {
    return this.memory.length + this.diskOnly;
  }

  /** Segment files present (for tests and ops). */
  get segmentCount(): number {
    return this.segments.length;
  }

  push(item: T): void {
    if (this.closed) return this.drop(1, 'buffer closed');
    if (this.size >= this.o.maxPending) return this.drop(1, 'buffer full');
    const line = `${JSON.stringify(item)}\n`;
    let seg: Segment | undefined;
    try {
      seg = this.append(line);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (this.diskOnly === 0 && this.memory.length < this.o.maxInMemory) {
        this.memory.push({ item, seg: undefined });
        this.o.onDiskError?.(reason);
      } else {
        this.drop(1, `spill disk failed: ${reason}`);
      }
      return;
    }
    if (this.diskOnly === 0 && this.memory.length < this.o.maxInMemory) {
      this.memory.push({ item, seg });
      seg.loaded++;
    } else {
      this.diskOnly++;
      this.spilled++;
    }
  }

  /** The oldest item in memory (memory holds the oldest whenever it holds any). */
  oldestInMemory(): T | undefined {
    return this.memory[0]?.item;
  }

  /** Up to `max` oldest items, left in place (and on disk) until ack(). */
  peek(max: number): T[] {
    if (this.memory.length < max) this.load();
    return this.memory.slice(0, max).map((e) => e.item);
  }

  /** The first `count` items were delivered: segments all of whose events were are deleted. */
  ack(count: number): void {
    for (const e of this.memory.splice(0, count)) if (e.seg) e.seg.acked++;
    this.reap();
  }

  /** Closes the open segment and releases the directory; what is not acknowledged stays on disk. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeWriting();
    this.reap();
    rmSync(join(this.o.dir, LOCK), { force: true });
  }

  private append(line: string): Segment {
    let seg = this.writing;
    if (!seg || seg.written >= this.o.segmentSize) {
      this.closeWriting();
      const file = join(this.o.dir, `seg-${String(this.seq++).padStart(12, '0')}.jsonl`);
      seg = { file, fd: openSync(file, 'a'), written: 0, loaded: 0, acked: 0 };
      this.segments.push(seg);
      this.writing = seg;
    }
    try {
      writeSync(seg.fd!, line);
    } catch (err) {
      // A partial line may be in the file: append nothing more to it (it is never read past `written`).
      this.closeWriting();
      throw err;
    }
    seg.written++;
    return seg;
  }

  private closeWriting(): void {
    const seg = this.writing;
    if (!seg) return;
    this.writing = undefined;
    if (seg.fd !== undefined) closeSync(seg.fd);
    seg.fd = undefined;
  }

  /** Reads events waiting on disk only into memory, oldest first, up to the memory bound. */
  private load(): void {
    while (this.diskOnly > 0 && this.memory.length < this.o.maxInMemory) {
      const seg = this.segments.find((s) => s.loaded < s.written);
      if (!seg) return;
      let lines: string[];
      try {
        lines = readFileSync(seg.file, 'utf8').split('\n');
      } catch (err) {
        this.settleUnreadable(seg, `segment unreadable: ${(err as Error).message}`);
        continue;
      }
      const take = Math.min(seg.written - seg.loaded, this.o.maxInMemory - this.memory.length);
      let corrupt = 0;
      for (let i = seg.loaded; i < seg.loaded + take; i++) {
        try {
          this.memory.push({ item: JSON.parse(lines[i] ?? '') as T, seg });
        } catch {
          corrupt++;
          seg.acked++; // settled: it can never be sent
        }
      }
      seg.loaded += take;
      this.diskOnly -= take;
      if (corrupt > 0) this.drop(corrupt, `corrupt line in segment ${seg.file}`);
    }
    this.reap();
  }

  private settleUnreadable(seg: Segment, reason: string): void {
    const lost = seg.written - seg.loaded;
    seg.acked += lost;
    seg.loaded = seg.written;
    this.diskOnly -= lost;
    this.drop(lost, reason);
  }

  /** Deletes the segments whose every event is acknowledged (never the one being appended to). */
  private reap(): void {
    this.segments = this.segments.filter((s) => {
      if (s === this.writing || s.acked < s.written) return true;
      rmSync(s.file, { force: true });
      return false;
    });
  }

  private drop(count: number, reason: string): void {
    this.dropped += count;
    this.o.onDrop(count, reason);
  }
}

/**
 * One process per spill directory: two appending to the same segments would interleave and
 * delete each other's events. A lock held by a process that is gone (a crash) is taken over.
 */
function claimDirectory(dir: string): void {
  const lock = join(dir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
      throw new Error(
        `match-log spill directory ${dir} is in use by process ${owner}: give each room server its own ROOM_SERVER_ID or MATCH_LOG_SPILL_DIR`,
      );
    }
    rmSync(lock, { force: true }); // stale: its process is gone
  }
  throw new Error(`could not claim the match-log spill directory ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
