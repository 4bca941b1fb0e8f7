import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface SpillBufferOptions {
  /** Events held in memory before new ones go to disk. */
  maxInMemory: number;
  /** Directory for spilled segments (JSON lines). */
  dir: string;
  /** Events per segment file. */
  segmentSize: number;
  onDrop: (count: number, reason: string) => void;
}

/**
 * A FIFO of events that never loses one while the disk has room: in memory up to a bound,
 * then appended to segment files on disk; read back in order (memory first, then the
 * oldest segment) as they are delivered. Once anything is on disk, new events go to disk
 * too, so order holds. Only a failing disk (full) drops events, and says how many.
 */
export class SpillBuffer<T> {
  private memory: T[] = [];
  private segments: string[] = [];
  private writing: { file: string; count: number } | undefined;
  private seq = 0;
  private onDisk = 0;
  spilled = 0;
  dropped = 0;

  constructor(private readonly o: SpillBufferOptions) {
    mkdirSync(o.dir, { recursive: true });
    // Segments left by an earlier run of this process are delivered first.
    this.segments = readdirSync(o.dir)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
      .map((f) => join(o.dir, f));
    this.seq = this.segments.length;
    for (const f of this.segments) this.onDisk += readFileSync(f, 'utf8').split('\n').filter(Boolean).length;
  }

  get size(): number {
    return this.memory.length + this.onDisk;
  }

  push(item: T): void {
    if (this.segments.length === 0 && !this.writing && this.memory.length < this.o.maxInMemory) {
      this.memory.push(item);
      return;
    }
    try {
      if (!this.writing || this.writing.count >= this.o.segmentSize) {
        const file = join(
          this.o.dir,
          `seg-${String(process.pid)}-${String(this.seq++).padStart(8, '0')}.jsonl`,
        );
        this.writing = { file, count: 0 };
        this.segments.push(file);
      }
      appendFileSync(this.writing.file, `${JSON.stringify(item)}\n`);
      this.writing.count++;
      this.onDisk++;
      this.spilled++;
    } catch (err) {
      this.dropped++;
      this.o.onDrop(1, err instanceof Error ? err.message : String(err));
    }
  }

  /** The oldest item in memory, without loading from disk (memory holds the oldest whenever it holds any). */
  oldestInMemory(): T | undefined {
    return this.memory[0];
  }

  /** Up to `max` oldest items, left in place until ack(). */
  peek(max: number): T[] {
    if (this.memory.length === 0) this.loadSegment();
    return this.memory.slice(0, max);
  }

  /** The first `count` items were delivered. */
  ack(count: number): void {
    this.memory.splice(0, count);
  }

  private loadSegment(): void {
    const file = this.segments[0];
    if (!file) return;
    if (this.writing?.file === file) this.writing = undefined;
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    this.memory = lines.map((l) => JSON.parse(l) as T);
    this.onDisk -= lines.length;
    this.segments.shift();
    rmSync(file, { force: true });
  }
}
