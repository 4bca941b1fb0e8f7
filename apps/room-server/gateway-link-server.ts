import { createServer, type Server, type Socket } from 'node:net';
import { FramedSocket } from '../../shared/link/framed-socket.js';
import {
  encodeRoomToGateway,
  parseGatewayToRoom,
  type GatewayToRoom,
  type RoomToGateway,
} from '../../shared/protocol/index.js';
import type { Logger } from '../../shared/log/logger.js';

/** Largest frame a gateway may send on the link (inputs are a few hundred bytes). */
const MAX_LINK_FRAME_BYTES = 64 * 1024;

export interface GatewayLinkHandler {
  onMessage(gatewayId: string, msg: GatewayToRoom): void;
  /** The gateway's link closed: its players are disconnected until they resume. */
  onGatewayGone(gatewayId: string): void;
}

/**
 * Accepts one multiplexed TCP link per gateway. The first frame names the gateway; a newer
 * link from the same gateway replaces the older one. A gateway that stops reading is cut
 * off once its buffer passes the limit, rather than growing this process's memory.
 */
export class GatewayLinkServer {
  private readonly server: Server;
  private readonly links = new Map<string, FramedSocket>();
  droppedSlowLinks = 0;
  readonly counters = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };

  constructor(
    private readonly maxBufferedBytes: number,
    private readonly handler: GatewayLinkHandler,
    private readonly log: Logger,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  send(gatewayId: string, msg: RoomToGateway): void {
    const link = this.links.get(gatewayId);
    if (!link?.isOpen) return; // closing: its onClose removes it
    const frame = encodeRoomToGateway(msg);
    this.counters.messagesOut++;
    this.counters.bytesOut += frame.byteLength;
    if (!link.send(frame)) {
      this.droppedSlowLinks++;
      this.log.warn(
        { gatewayId, buffered: link.bufferedBytes },
        'gateway link over its buffer limit: dropping it',
      );
      link.close('slow consumer');
    }
  }

  get linkCount(): number {
    return this.links.size;
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.close('room server stopping');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    let gatewayId: string | undefined;
    const link: FramedSocket = new FramedSocket(socket, {
      maxFrameBytes: MAX_LINK_FRAME_BYTES,
      maxBufferedBytes: this.maxBufferedBytes,
      onFrame: (frame) => {
        this.counters.messagesIn++;
        this.counters.bytesIn += frame.byteLength;
        const msg = parseGatewayToRoom(frame);
        if (!msg) {
          this.log.warn({ gatewayId }, 'malformed link frame: closing link');
          link.close('malformed frame');
          return;
        }
        if (msg.type === 'hello') {
          if (gatewayId) return;
          gatewayId = msg.gatewayId;
          const older = this.links.get(gatewayId);
          this.links.set(gatewayId, link);
          older?.close('replaced by a newer link');
          this.log.info({ gatewayId }, 'gateway linked');
          return;
        }
        if (!gatewayId) {
          link.close('first frame must be hello');
          return;
        }
        this.handler.onMessage(gatewayId, msg);
      },
      onClose: (reason) => {
        if (!gatewayId || this.links.get(gatewayId) !== link) return;
        this.links.delete(gatewayId);
        this.log.info({ gatewayId, reason }, 'gateway link closed');
        this.handler.onGatewayGone(gatewayId);
      },
    });
  }
}
