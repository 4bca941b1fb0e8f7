import { connect, type Socket } from 'node:net';
import { splitHostPort } from '../../shared/config/host-port.js';
import { FramedSocket } from '../../shared/link/framed-socket.js';
import type { Logger } from '../../shared/log/logger.js';
import { linkProof } from '../../shared/link/link-auth.js';
import type { RoomServerInfo } from '../../shared/placement/registry.js';
import {
  encodeGatewayToRoom,
  parseRoomToGateway,
  type GatewayToRoom,
  type RoomToGateway,
} from '../../shared/protocol/index.js';

/** Largest frame a room server may send (a snapshot of a big room). */
const MAX_LINK_FRAME_BYTES = 4 * 1024 * 1024;
/** Frames held while a link is still connecting. */
export const MAX_PENDING_FRAMES = 10_000;

/** What a room server sends once the link is up (its challenge is the pool's business). */
export type RoomLinkMessage = Exclude<RoomToGateway, { type: 'challenge' }>;

export interface RoomLinkHandler {
  onMessage(serverId: string, msg: RoomLinkMessage): void;
  /** The link is gone (closed, or never connected); `connected` says whether it ever was. */
  onLinkLost(serverId: string, connected: boolean): void;
}

interface Link {
  server: RoomServerInfo;
  socket: FramedSocket;
  connected: boolean;
  pending: Uint8Array[];
}

/**
 * One multiplexed TCP link per room server, opened on first use and reopened on the next
 * use after it drops. A link counts as connected once the room server's challenge is
 * answered with this gateway's hello and proof of LINK_SECRET (shared/link/link-auth.ts).
 * Sends are bounded: while connecting, frames wait in a capped queue; once connected, a room
 * server that stops reading makes send() return false.
 */
export class RoomLinkPool {
  private readonly links = new Map<string, Link>();
  droppedFrames = 0;
  /** Drops are logged at most once a second (with the running count): a full link drops many. */
  private lastDropLogAt = -Infinity;

  constructor(
    private readonly gatewayId: string,
    /** LINK_SECRET, to answer each room server's challenge. */
    private readonly linkSecret: string,
    private readonly maxBufferedBytes: number,
    private readonly connectTimeoutMs: number,
    private readonly handler: RoomLinkHandler,
    private readonly log: Logger,
  ) {}

  send(server: RoomServerInfo, msg: GatewayToRoom): boolean {
    return this.sendFrame(server, encodeGatewayToRoom(msg));
  }

  /** Sends an already-encoded link frame (the router checks an input's size before it goes). */
  sendFrame(server: RoomServerInfo, frame: Uint8Array): boolean {
    const link = this.linkTo(server);
    if (!link.connected) {
      if (link.pending.length >= MAX_PENDING_FRAMES) return this.drop(server.id, false);
      link.pending.push(frame);
      return true;
    }
    return link.socket.send(frame) || this.drop(server.id, true);
  }

  /** Sends only over an already-open link (e.g. "disconnected" notices). */
  sendIfOpen(serverId: string, msg: GatewayToRoom): void {
    const link = this.links.get(serverId);
    if (link?.connected) link.socket.send(encodeGatewayToRoom(msg));
  }

  closeAll(): void {
    for (const link of this.links.values()) link.socket.close('gateway stopping');
  }

  private drop(serverId: string, connected: boolean): false {
    this.droppedFrames++;
    const now = Date.now();
    if (now - this.lastDropLogAt >= 1_000) {
      this.lastDropLogAt = now;
      this.log.warn(
        { serverId, connected, dropped: this.droppedFrames },
        'frame for a room server dropped: link full',
      );
    }
    return false;
  }

  private linkTo(server: RoomServerInfo): Link {
    const existing = this.links.get(server.id);
    if (existing && existing.server.address === server.address) return existing;
    existing?.socket.close('room server moved');

    const socket = connect(splitHostPort(server.address));
    socket.setTimeout(this.connectTimeoutMs, () => socket.destroy(new Error('connect timeout')));
    const link: Link = {
      server,
      connected: false,
      pending: [],
      socket: new FramedSocket(socket, {
        maxFrameBytes: MAX_LINK_FRAME_BYTES,
        maxBufferedBytes: this.maxBufferedBytes,
        onFrame: (frame) => {
          const msg = parseRoomToGateway(frame);
          if (!link.connected) {
            if (msg?.type !== 'challenge') return link.socket.close('room server sent no challenge');
            return this.answerChallenge(link, socket, msg.nonce);
          }
          if (msg && msg.type !== 'challenge') this.handler.onMessage(server.id, msg);
          else this.log.warn({ serverId: server.id }, 'malformed frame from room server: ignored');
        },
        onClose: (reason) => {
          if (this.links.get(server.id) === link) this.links.delete(server.id);
          this.log.info({ serverId: server.id, reason, connected: link.connected }, 'room link lost');
          this.handler.onLinkLost(server.id, link.connected);
        },
      }),
    };
    this.links.set(server.id, link);
    return link;
  }

  /** The room server's first frame: prove LINK_SECRET, then send what waited for the link. */
  private answerChallenge(link: Link, socket: Socket, nonce: Uint8Array): void {
    socket.setTimeout(0);
    link.connected = true;
    const proof = linkProof(this.linkSecret, nonce, this.gatewayId);
    link.socket.send(encodeGatewayToRoom({ type: 'hello', gatewayId: this.gatewayId, proof }));
    for (const frame of link.pending.splice(0)) link.socket.send(frame);
  }
}
