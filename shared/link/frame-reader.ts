/**
 * Splits a TCP byte stream into length-prefixed frames (4-byte big-endian length, then the
 * frame). A length above maxFrameBytes is a protocol violation: the reader reports it and
 * stops, and the caller closes the connection.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onError: (reason: string) => void,
  ) {}

  push(chunk: Buffer): void {
    if (this.failed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (this.buffered >= 4) {
      const first = this.chunks[0]!;
      const head = first.length >= 4 ? first : this.flatten();
      const length = head.readUInt32BE(0);
      if (length > this.maxFrameBytes) {
        this.failed = true;
        this.onError(`frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
        return;
      }
      if (this.buffered < 4 + length) return;
      const all = this.flatten();
      const frame = all.subarray(4, 4 + length);
      const rest = all.subarray(4 + length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.onFrame(frame);
    }
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }
}

export function lengthPrefix(frame: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}
