import type { Socket } from 'node:net';
import { FrameReader, lengthPrefix } from './frame-reader.js';

export interface FramedSocketOptions {
  maxFrameBytes: number;
  /** Bytes queued in the kernel-side write buffer above which send() refuses. */
  maxBufferedBytes: number;
  onFrame: (frame: Buffer) => void;
  onClose: (reason: string) => void;
}

/**
 * A TCP socket that sends and receives length-prefixed frames with a bound on what it
 * queues: when the peer does not read, send() returns false instead of growing memory.
 */
export class FramedSocket {
  private closed = false;
  private closeReason = 'closed';
  private corked = false;

  constructor(
    readonly socket: Socket,
    private readonly opts: FramedSocketOptions,
  ) {
    socket.setNoDelay(true);
    const reader = new FrameReader(opts.maxFrameBytes, opts.onFrame, (reason) => this.close(reason));
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', (err) => (this.closeReason = err.message));
    socket.on('close', () => {
      this.closed = true;
      opts.onClose(this.closeReason);
    });
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /**
   * Queues one frame; false if the link is closed or its buffer is over the limit. Frames sent
   * in the same turn of the event loop go out together, in one system call, once the turn's
   * I/O callbacks are done (a gateway forwards many players' inputs per turn; a room server
   * sends every room's tick).
   */
  send(frame: Uint8Array): boolean {
    if (!this.isOpen || this.socket.writableLength > this.opts.maxBufferedBytes) return false;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(() => {
        if (!this.corked) return; // close() flushed already
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(lengthPrefix(frame));
    return true;
  }

  close(reason: string): void {
    if (this.closed) return;
    this.closeReason = reason;
    // Frames of this turn (a room server's goodbyes, say) go to the kernel before the close.
    if (this.corked) {
      this.corked = false;
      this.socket.uncork();
    }
    this.socket.destroy();
  }
}
