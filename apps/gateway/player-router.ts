import type { Redis } from 'ioredis';
import type { Logger } from '../../shared/log/logger.js';
import type { RoomPlacement } from '../../shared/placement/room-placement.js';
import type { RoomServerInfo } from '../../shared/placement/registry.js';
import {
  CloseCode,
  encodeGatewayToRoom,
  encodeServerMessage,
  ErrorCode,
  ServerType,
  type ClientMessage,
  type JoinOptions,
} from '../../shared/protocol/index.js';
import { maxForwardBytes } from '../../shared/protocol/forward-bound.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import type { RealtimeKeys } from '../../shared/redis/keys.js';
import type { ClientConnection } from './client-connection.js';
import { RoomLinkPool, type RoomLinkMessage } from './room-link-pool.js';

/** Unseat reasons after which the player's seat lives on elsewhere: follow it there. */
const FOLLOW_REASONS = new Set(['moved', 'server_stopping', 'no_room', 'room_error']);
const MAX_ROUTE_ATTEMPTS = 12;
/** Looking up a reconnecting player's seat is retried this often before they are told. */
const SEAT_LOOKUP_ATTEMPTS = 5;
/**
 * Inputs a client sent before it heard that its room ended (or that it moved) are still on
 * the way for about a round trip; within this long after leaving a room they are dropped
 * quietly instead of answered with not_in_room.
 */
const LATE_INPUT_GRACE_MS = 3_000;

interface RoomRoute {
  roomId: string;
  options: JoinOptions;
  server?: RoomServerInfo;
  seated: boolean;
  /** Joins refused as room_unavailable so far: bounded like any other retry. */
  refusals?: number;
  /** Servers that refused to host this room (full, or not hosting its game): placed elsewhere. */
  refusedBy?: Set<string>;
  /** The room's game, when the join named it: only servers hosting it are chosen. */
  game?: string;
}

interface Player {
  conn: ClientConnection;
  room?: RoomRoute;
  /** When the player last left a room (ended, left, unseated): late inputs are expected for a while. */
  leftRoomAt?: number;
  /** State updates were skipped for this slow client; it gets a snapshot once it drains. */
  needsResync: boolean;
}

export interface PlayerRouterOptions {
  gatewayId: string;
  /** LINK_SECRET: proves this gateway to room servers. */
  linkSecret: string;
  redis: Redis;
  keys: RealtimeKeys;
  placement: RoomPlacement;
  /** How long a room server that refused a connection is left out of placement. */
  downServerMs: number;
  slowClientBytes: number;
  linkMaxBufferedBytes: number;
  redisFailures: RedisFailures;
  log: Logger;
}

function isStateFrame(frame: Uint8Array): boolean {
  // Frames are msgpack arrays: a fixarray header (0x90-0x9f) then the type tag.
  return frame[0] !== undefined && (frame[0] & 0xf0) === 0x90 && frame[1] === ServerType.State;
}

/**
 * The gateway's routing: which room each connected player is in, which room server owns it
 * (rendezvous placement via Redis), and following a seat when its room moves (server death,
 * shutdown) or when a player comes back after a disconnect. Holds no game state.
 */
export class PlayerRouter {
  private readonly players = new Map<string, Player>();
  private readonly downUntil = new Map<string, number>();
  private readonly links: RoomLinkPool;
  skippedStateFrames = 0;
  /** Inputs dropped because they arrived just after their room ended or while it moved. */
  lateInputs = 0;
  /** Inputs refused because their link frame would exceed the bound set by the client frame. */
  oversizedForwards = 0;
  /** Joins a room server refused because it could not host the room (full): placed elsewhere. */
  refusedPlacements = 0;

  constructor(private readonly o: PlayerRouterOptions) {
    this.links = new RoomLinkPool(
      o.gatewayId,
      o.linkSecret,
      o.linkMaxBufferedBytes,
      2_000,
      {
        onMessage: (serverId, msg) => this.onRoomMessage(serverId, msg),
        onLinkLost: (serverId, connected) => this.onLinkLost(serverId, connected),
      },
      o.log,
    );
  }

  get playerCount(): number {
    return this.players.size;
  }

  /** Players here who are in a room (or on their way into one). */
  get playersInRooms(): number {
    let n = 0;
    for (const p of this.players.values()) if (p.room) n++;
    return n;
  }

  /** Frames for room servers dropped because a link was full or still connecting with a full queue. */
  get droppedLinkFrames(): number {
    return this.links.droppedFrames;
  }

  /** The player's connection here, if they are connected to this gateway. */
  connectionOf(playerId: string): ClientConnection | undefined {
    return this.players.get(playerId)?.conn;
  }

  /** Whether the player is in (or on the way into) a room. */
  inRoom(playerId: string): boolean {
    return this.players.get(playerId)?.room !== undefined;
  }

  /** A player connected here: greet, and put them back in their room if they hold a seat. */
  connected(conn: ClientConnection): void {
    const previous = this.players.get(conn.playerId);
    const player: Player = { conn, needsResync: false };
    this.players.set(conn.playerId, player);
    if (previous) {
      this.o.log.info({ playerId: conn.playerId }, 'player connected again: earlier connection closed');
      previous.conn.close(CloseCode.Superseded, 'connected again elsewhere');
    }
    this.lookUpSeat(player, 0);
  }

  /** Puts a (re)connected player back in the room they hold a seat in, if any; retried, then told. */
  private lookUpSeat(player: Player, attempt: number): void {
    const playerId = player.conn.playerId;
    this.o.redis.get(this.o.keys.playerSeat(playerId)).then(
      (roomId) => {
        if (roomId && this.current(player) && !player.room) this.join(player, roomId, { bots: 0 });
      },
      (err: unknown) => {
        this.o.redisFailures.record('seat_lookup', err, { playerId, attempt });
        if (!this.current(player) || player.room) return;
        if (attempt + 1 >= SEAT_LOOKUP_ATTEMPTS) {
          return this.error(
            player,
            ErrorCode.Unavailable,
            'could not look up your room (storage unavailable): join it again',
          );
        }
        setTimeout(
          () => {
            if (this.current(player) && !player.room) this.lookUpSeat(player, attempt + 1);
          },
          Math.min(2_000, 200 * 2 ** attempt),
        );
      },
    );
  }

  disconnected(conn: ClientConnection): void {
    const player = this.players.get(conn.playerId);
    if (!player || player.conn !== conn) return;
    this.players.delete(conn.playerId);
    const route = player.room;
    if (route?.server) {
      this.links.sendIfOpen(route.server.id, {
        type: 'disconnected',
        roomId: route.roomId,
        playerId: conn.playerId,
      });
    }
  }

  /** `frameBytes`: the size of the client frame `msg` came in, which bounds what is forwarded. */
  message(
    conn: ClientConnection,
    msg: Exclude<ClientMessage, { type: 'queue' | 'cancel_queue' | 'party_accept' | 'leaderboard' }>,
    frameBytes: number,
  ): void {
    const player = this.players.get(conn.playerId);
    if (!player || player.conn !== conn) return;
    switch (msg.type) {
      case 'ping':
        conn.send(encodeServerMessage({ type: 'pong', clientTime: msg.clientTime, serverTime: Date.now() }));
        return;
      case 'join':
        if (player.room && player.room.roomId !== msg.roomId) {
          return this.error(
            player,
            ErrorCode.AlreadyInRoom,
            `already in room ${player.room.roomId}; leave it first`,
          );
        }
        return this.join(player, msg.roomId, msg.options);
      case 'leave': {
        const route = player.room;
        if (!route?.server) return this.error(player, ErrorCode.NotInRoom, 'not in a room');
        this.leaveRoute(player);
        this.links.send(route.server, { type: 'leave', roomId: route.roomId, playerId: conn.playerId });
        return;
      }
      case 'input': {
        const route = player.room;
        if (!route?.server || !route.seated) {
          const late =
            route !== undefined || Date.now() - (player.leftRoomAt ?? -Infinity) < LATE_INPUT_GRACE_MS;
          if (late) this.lateInputs++;
          else this.error(player, ErrorCode.NotInRoom, 'join a room first');
          return;
        }
        const frame = encodeGatewayToRoom({
          type: 'input',
          roomId: route.roomId,
          playerId: conn.playerId,
          seq: msg.seq,
          input: msg.input,
        });
        if (frame.byteLength > maxForwardBytes(frameBytes)) {
          this.oversizedForwards++;
          this.o.log.warn(
            { playerId: conn.playerId, clientBytes: frameBytes, linkBytes: frame.byteLength },
            'input would grow past its bound on the room-server link: not forwarded, client closed',
          );
          conn.close(CloseCode.PolicyViolation, 'input not forwardable');
          return;
        }
        this.links.sendFrame(route.server, frame);
        return;
      }
    }
  }

  /** The client's send buffer drained: if it missed state updates, ask for a snapshot. */
  drained(conn: ClientConnection): void {
    const player = this.players.get(conn.playerId);
    if (!player?.needsResync || conn.bufferedAmount() > this.o.slowClientBytes / 2) return;
    player.needsResync = false;
    const route = player.room;
    if (route?.server)
      this.links.send(route.server, { type: 'resync', roomId: route.roomId, playerId: conn.playerId });
  }

  /** Drops every room-server link (gateway shutdown; the clients are closed by the server). */
  closeLinks(): void {
    this.links.closeAll();
  }

  private join(player: Player, roomId: string, options: JoinOptions): void {
    player.room = { roomId, options, seated: false, ...(options.game ? { game: options.game } : {}) };
    void this.route(player, player.room, 0);
  }

  private current(player: Player): boolean {
    return this.players.get(player.conn.playerId) === player;
  }

  private async route(player: Player, route: RoomRoute, attempt: number): Promise<void> {
    let server: RoomServerInfo | undefined;
    try {
      const avoid = this.downServers();
      for (const id of route.refusedBy ?? []) avoid.add(id);
      server = await this.o.placement.ownerOf(route.roomId, avoid, route.game);
    } catch (err) {
      this.o.redisFailures.record('placement', err, { roomId: route.roomId, playerId: player.conn.playerId });
    }
    if (!this.current(player) || player.room !== route) return; // the player moved on meanwhile
    if (!server || this.downServers().has(server.id)) return this.retry(player, route, attempt);
    route.server = server;
    route.seated = false;
    const sent = this.links.send(server, {
      type: 'join',
      roomId: route.roomId,
      playerId: player.conn.playerId,
      options: route.options,
    });
    if (!sent) this.retry(player, route, attempt);
  }

  private leaveRoute(player: Player): void {
    player.room = undefined;
    player.leftRoomAt = Date.now();
  }

  private retry(player: Player, route: RoomRoute, attempt: number): void {
    if (attempt + 1 >= MAX_ROUTE_ATTEMPTS) {
      player.room = undefined;
      this.error(
        player,
        ErrorCode.RoomUnavailable,
        `no room server could take room ${route.roomId} (or placement storage is down); try again`,
      );
      return;
    }
    const delay = Math.min(2_000, 50 * 2 ** attempt);
    setTimeout(() => {
      if (this.current(player) && player.room === route) void this.route(player, route, attempt + 1);
    }, delay);
  }

  private onRoomMessage(serverId: string, msg: RoomLinkMessage): void {
    if (msg.type === 'deliver') return this.deliver(serverId, msg.playerIds, msg.frame);
    const player = this.players.get(msg.playerId);
    const route = player?.room;
    if (!player || !route || route.roomId !== msg.roomId || route.server?.id !== serverId) return;
    switch (msg.type) {
      case 'seated':
        route.seated = true;
        route.refusals = 0;
        return;
      case 'rejected':
        if (msg.code === ErrorCode.CannotHost) {
          // Full (or not hosting the game): the next placement leaves this server out.
          (route.refusedBy ??= new Set()).add(serverId);
          this.refusedPlacements++;
          route.refusals = (route.refusals ?? 0) + 1;
          return this.retry(player, route, route.refusals);
        }
        if (msg.code === ErrorCode.RoomUnavailable) {
          route.refusals = (route.refusals ?? 0) + 1;
          return this.retry(player, route, route.refusals);
        }
        player.room = undefined;
        return this.error(player, msg.code, msg.message);
      case 'unseated':
        if (msg.reason === 'superseded') {
          player.room = undefined;
          this.o.log.info(
            { playerId: player.conn.playerId },
            'player seated again through another gateway: connection closed',
          );
          player.conn.close(CloseCode.Superseded, 'connected again elsewhere');
        } else if (FOLLOW_REASONS.has(msg.reason)) {
          void this.route(player, route, 0);
        } else {
          this.leaveRoute(player);
        }
    }
  }

  private deliver(serverId: string, playerIds: string[], frame: Uint8Array): void {
    const isState = isStateFrame(frame);
    for (const playerId of playerIds) {
      const player = this.players.get(playerId);
      if (!player || (player.room && player.room.server?.id !== serverId)) continue;
      if (isState && (player.needsResync || player.conn.bufferedAmount() > this.o.slowClientBytes)) {
        player.needsResync = true;
        this.skippedStateFrames++;
        continue;
      }
      player.conn.send(frame);
    }
  }

  private onLinkLost(serverId: string, everConnected: boolean): void {
    if (!everConnected) this.downUntil.set(serverId, Date.now() + this.o.downServerMs);
    for (const player of this.players.values()) {
      const route = player.room;
      if (route?.server?.id === serverId) {
        route.seated = false;
        void this.route(player, route, 0);
      }
    }
  }

  private downServers(): Set<string> {
    const now = Date.now();
    for (const [id, until] of this.downUntil) if (until < now) this.downUntil.delete(id);
    return new Set(this.downUntil.keys());
  }

  private error(player: Player, code: string, message: string): void {
    player.conn.send(encodeServerMessage({ type: 'error', code, message }));
  }
}
