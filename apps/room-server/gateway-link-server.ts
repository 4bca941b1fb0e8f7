import { createServer, type Server, type Socket } from 'node:net';
import { FramedSocket } from '../../shared/link/framed-socket.js';
import {
  encodeRoomToGateway,
  parseGatewayToRoom,
  type GatewayToRoom,
  type RoomToGateway,
} from '../../shared/protocol/index.js';
import type { Logger } from '../../shared/log/logger.js';
import { newNonce, verifyLinkProof } from '../../shared/link/link-auth.js';

/** Largest frame a gateway may send on the link (inputs are a few hundred bytes). */
const MAX_LINK_FRAME_BYTES = 64 * 1024;
/** A peer that has not proven itself this long after connecting is cut off. */
export const HELLO_TIMEOUT_MS = 5_000;

export interface GatewayLinkServerOptions {
  /** LINK_SECRET: the gateways' hello must carry an HMAC of this link's nonce under it. */
  secret: string;
  maxBufferedBytes: number;
  helloTimeoutMs?: number;
}

export interface GatewayLinkHandler {
  onMessage(gatewayId: string, msg: GatewayToRoom): void;
  /** The gateway's link closed: its players are disconnected until they resume. */
  onGatewayGone(gatewayId: string): void;
}

/**
 * Accepts one multiplexed TCP link per gateway. Every link starts with a challenge (a fresh
 * nonce); the peer's first frame must be a hello whose proof (shared/link/link-auth.ts) shows
 * it holds LINK_SECRET. Anything else, or nothing within HELLO_TIMEOUT_MS, closes the link,
 * counted and logged: only an authenticated gateway's frames reach the rooms (and with them
 * the player ids it speaks for), and only an authenticated link for a gateway id replaces
 * that id's older link (a restarted gateway). A gateway that stops reading is cut off once
 * its buffer passes the limit, rather than growing this process's memory.
 */
export class GatewayLinkServer {
  private readonly server: Server;
  private readonly links = new Map<string, FramedSocket>();
  droppedSlowLinks = 0;
  /** Links closed because their peer did not prove itself (no, bad or late hello). */
  refusedLinks = 0;
  readonly counters = { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 };

  constructor(
    private readonly o: GatewayLinkServerOptions,
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
    /** Set once the peer's hello proved it: the id it may speak for. */
    let gatewayId: string | undefined;
    const nonce = newNonce();
    const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const refuse = (reason: string, claimed?: string) => {
      this.refusedLinks++;
      this.log.warn({ peer, claimedGatewayId: claimed, reason }, 'unauthenticated link refused');
      link.close(reason);
    };
    const helloTimer = setTimeout(
      () => refuse('no hello in time'),
      this.o.helloTimeoutMs ?? HELLO_TIMEOUT_MS,
    );
    const link: FramedSocket = new FramedSocket(socket, {
      maxFrameBytes: MAX_LINK_FRAME_BYTES,
      maxBufferedBytes: this.o.maxBufferedBytes,
      onFrame: (frame) => {
        if (!link.isOpen) return; // refused: the rest of this read is ignored
        this.counters.messagesIn++;
        this.counters.bytesIn += frame.byteLength;
        const msg = parseGatewayToRoom(frame);
        if (!gatewayId) {
          clearTimeout(helloTimer);
          if (msg?.type !== 'hello') return refuse('first frame must be a hello with its proof');
          if (!verifyLinkProof(this.o.secret, nonce, msg.gatewayId, msg.proof))
            return refuse('bad hello proof (wrong LINK_SECRET?)', msg.gatewayId);
          gatewayId = msg.gatewayId;
          const older = this.links.get(gatewayId);
          this.links.set(gatewayId, link);
          older?.close('replaced by a newer link');
          this.log.info({ gatewayId, peer }, 'gateway linked');
          return;
        }
        if (!msg || msg.type === 'hello') {
          this.log.warn({ gatewayId }, 'malformed link frame: closing link');
          link.close('malformed frame');
          return;
        }
        this.handler.onMessage(gatewayId, msg);
      },
      onClose: (reason) => {
        clearTimeout(helloTimer);
        if (!gatewayId || this.links.get(gatewayId) !== link) return;
        this.links.delete(gatewayId);
        this.log.info({ gatewayId, reason }, 'gateway link closed');
        this.handler.onGatewayGone(gatewayId);
      },
    });
    link.send(encodeRoomToGateway({ type: 'challenge', nonce }));
  }
}
