import {
  CloseCode,
  encodeClientMessage,
  ErrorCode,
  parseServerMessage,
  PROTOCOL_VERSION,
  type Entities,
  type JoinOptions,
  type MatchResult,
} from '../protocol/index.js';
import { Emitter } from './emitter.js';

/** The part of the WHATWG WebSocket the client uses; browsers' and the `ws` package's fit. */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketFactory = (url: string) => WebSocketLike;

export interface ArenaClientOptions {
  /** Gateway WebSocket URLs (ws://host:port/ws); reconnects rotate through them. */
  gateways: string[];
  /** Session token from the game's login (or POST /auth/guest in development). */
  token: string;
  /** How to open a WebSocket; defaults to the global WebSocket (browsers, Node 22+). */
  webSocket?: WebSocketFactory;
  /** Reconnect after an unexpected close (default true). */
  reconnect?: boolean;
  maxReconnectDelayMs?: number;
  /** Join the room of a found match at once (default true). */
  autoJoinMatches?: boolean;
}

export interface ArenaClientEvents extends Record<string, unknown> {
  welcome: { playerId: string; gatewayId: string };
  joined: { roomId: string; resumed: boolean; tick: number };
  state: { tick: number; changed: Entities; removed: string[]; acks: Record<string, number> };
  ended: MatchResult;
  left: { roomId: string; reason: string };
  /** A message from the game (its ctx.send / ctx.broadcast): the game's own type name and data. */
  game_message: { roomId: string; type: string; data: unknown };
  error: { code: string; message: string };
  disconnected: { code: number; reason: string; willReconnect: boolean };
  queued: { queue: string; ticketId: string };
  matchFound: { matchId: string; roomId: string; queue: string; teams: string[][] };
  queueEnded: { queue: string; reason: string; message: string };
  partyAccepted: { leader: string };
  partyWithdrawn: { leader: string };
  /** A frame from the gateway that this client could not read (binary msgpack expected). */
  protocolError: { reason: string };
}

/** Leaderboard requests one client may have waiting for their answers. */
export const LEADERBOARD_MAX_PENDING = 64;

const JOIN_ERRORS = new Set<string>([
  ErrorCode.RoomFull,
  ErrorCode.RoomEnded,
  ErrorCode.RoomUnavailable,
  ErrorCode.AlreadyInRoom,
  ErrorCode.BadRequest,
  ErrorCode.NotInRoster,
  ErrorCode.JoinRefused,
  ErrorCode.BadRoomOptions,
]);

class Pending<T> {
  resolve!: (v: T) => void;
  reject!: (e: Error) => void;
  readonly promise = new Promise<T>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
}

/**
 * Typed client for Arena gateways. Keeps the room's world up to date from snapshots and
 * deltas (`entities`), numbers inputs, and reconnects on its own: after a dropped network
 * or a dead gateway it comes back through any gateway, and the gateway puts it back in its
 * seat with a fresh snapshot.
 */
export class ArenaClient extends Emitter<ArenaClientEvents> {
  playerId = '';
  gatewayId = '';
  roomId: string | undefined;
  tick = 0;
  /** The room as this player sees it, kept current by the server's updates. */
  readonly entities = new Map<string, Entities[string]>();
  /** Highest input sequence number the server has applied. */
  ackedSeq = 0;

  private ws: WebSocketLike | undefined;
  /** The connection that got its welcome (undefined until then). */
  private welcomedWs: WebSocketLike | undefined;
  /** From the last welcome: short-lived, tried first when reconnecting. */
  private resumeToken: string | undefined;
  private seq = 0;
  private gatewayIndex = 0;
  private attempts = 0;
  private closedByUser = false;
  private connecting: Pending<void> | undefined;
  private joining: Pending<{ roomId: string; resumed: boolean }> | undefined;
  private readonly pings = new Map<number, (rtt: number) => void>();
  private readonly leaderboards = new Map<number, Pending<unknown>>();
  private nextRequestId = 0;

  constructor(private readonly o: ArenaClientOptions) {
    super();
    if (o.gateways.length === 0) throw new Error('ArenaClient needs at least one gateway URL');
  }

  get connected(): boolean {
    return this.ws?.readyState === 1 && this.playerId !== '';
  }

  /** Connects and waits for the gateway's welcome. */
  connect(): Promise<void> {
    this.closedByUser = false;
    this.connecting ??= new Pending<void>();
    this.open();
    return this.connecting.promise;
  }

  /** Joins (or creates) a room; resolves with its first snapshot applied. */
  join(roomId: string, options: JoinOptions = { bots: 0 }): Promise<{ roomId: string; resumed: boolean }> {
    this.joining?.reject(new Error('superseded by another join'));
    this.joining = new Pending();
    this.send(encodeClientMessage({ type: 'join', roomId, options }));
    return this.joining.promise;
  }

  /** Sends an input for the next tick; returns its sequence number (see ackedSeq). */
  sendInput(input: unknown): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    this.send(encodeClientMessage({ type: 'input', seq: this.seq, input }));
    return this.seq;
  }

  /**
   * Asks for a match in a queue ("duel.eu"); `matchFound` follows, then (by default) the room.
   * With `party`, this player leads: each member must have called acceptParty(leaderId) first.
   */
  queue(queue: string, party: string[] = []): void {
    this.send(encodeClientMessage({ type: 'queue', queue, party }));
  }

  /** Agrees to be queued in `leaderId`'s party (valid for 10 minutes). */
  acceptParty(leaderId: string): void {
    this.send(encodeClientMessage({ type: 'party_accept', leader: leaderId }));
  }

  /** Takes back an acceptParty: that leader can no longer queue this player. */
  withdrawParty(leaderId: string): void {
    this.send(encodeClientMessage({ type: 'party_withdraw', leader: leaderId }));
  }

  cancelQueue(): void {
    this.send(encodeClientMessage({ type: 'cancel_queue' }));
  }

  leave(): void {
    this.send(encodeClientMessage({ type: 'leave' }));
    this.roomId = undefined;
    this.entities.clear();
  }

  /** Round trip to the gateway, in milliseconds. */
  ping(): Promise<number> {
    const sent = Date.now() + Math.random();
    return new Promise((resolve) => {
      this.pings.set(sent, resolve);
      this.send(encodeClientMessage({ type: 'ping', clientTime: sent }));
    });
  }

  /**
   * Asks for a leaderboard (the same queries as GET /leaderboard: `{ kind: 'top', limit: 10 }`,
   * `{ kind: 'player', player }`, `{ kind: 'around', player, radius }`, `{ kind: 'friends',
   * players }`, `{ kind: 'seasons' }`, each with optional `game`, `season` and `region`) and
   * resolves with the answer's body, e.g. `{ game, season, board, standing }`. Rejects with the
   * gateway's error (`bad_request`, `not_found`...), when the connection drops before the
   * answer, or at once when LEADERBOARD_MAX_PENDING requests already wait.
   */
  leaderboard(query: Record<string, unknown>): Promise<unknown> {
    if (this.leaderboards.size >= LEADERBOARD_MAX_PENDING)
      return Promise.reject(new Error(`too many leaderboard requests waiting (${LEADERBOARD_MAX_PENDING})`));
    if (!this.connected) return Promise.reject(new Error('not connected'));
    const requestId = (this.nextRequestId = (this.nextRequestId + 1) >>> 0);
    const pending = new Pending<unknown>();
    this.leaderboards.set(requestId, pending);
    this.send(encodeClientMessage({ type: 'leaderboard', requestId, query }));
    return pending.promise;
  }

  close(): void {
    this.closedByUser = true;
    this.ws?.close(CloseCode.Normal, 'client closed');
  }

  private open(): void {
    const base = this.o.gateways[this.gatewayIndex % this.o.gateways.length]!;
    const resuming = this.resumeToken !== undefined;
    const token = this.resumeToken ?? this.o.token;
    const url = `${base}${base.includes('?') ? '&' : '?'}v=${PROTOCOL_VERSION}&token=${encodeURIComponent(token)}`;
    const factory =
      this.o.webSocket ??
      ((u: string) =>
        new (globalThis as unknown as { WebSocket: new (u: string) => WebSocketLike }).WebSocket(u));
    const ws = factory(url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      // Refused before its welcome with the resume token (expired, say: it is short-lived):
      // the next attempt uses the login token, which lasts the whole session.
      if (resuming && this.welcomedWs !== ws) this.resumeToken = undefined;
      // Answers never cross connections: a request in flight is lost with its connection.
      for (const pending of this.leaderboards.values())
        pending.reject(new Error(`connection closed before the answer (${ev.code})`));
      this.leaderboards.clear();
      const willReconnect =
        !this.closedByUser &&
        (this.o.reconnect ?? true) &&
        ev.code !== CloseCode.Superseded &&
        ev.code !== CloseCode.Flood;
      this.emit('disconnected', { code: ev.code, reason: ev.reason, willReconnect });
      if (!willReconnect) {
        this.connecting?.reject(new Error(`connection closed (${ev.code} ${ev.reason})`));
        this.connecting = undefined;
        return;
      }
      this.gatewayIndex++;
      const delay = Math.min(this.o.maxReconnectDelayMs ?? 2_000, 100 * 2 ** Math.min(this.attempts++, 5));
      setTimeout(() => {
        if (!this.closedByUser) this.open();
      }, delay);
    };
  }

  private send(frame: Uint8Array): void {
    if (this.ws?.readyState === 1) this.ws.send(frame);
  }

  private receive(data: unknown): void {
    const bytes =
      data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : undefined;
    const msg = bytes && parseServerMessage(bytes);
    if (!msg) {
      this.emit('protocolError', {
        reason: bytes ? `unreadable ${bytes.byteLength}-byte frame` : `non-binary frame (${typeof data})`,
      });
      return;
    }
    switch (msg.type) {
      case 'welcome':
        this.playerId = msg.playerId;
        this.gatewayId = msg.gatewayId;
        this.resumeToken = msg.resumeToken;
        this.welcomedWs = this.ws;
        this.attempts = 0;
        this.connecting?.resolve();
        this.connecting = undefined;
        this.emit('welcome', { playerId: msg.playerId, gatewayId: msg.gatewayId });
        return;
      case 'joined':
        this.roomId = msg.roomId;
        this.tick = msg.tick;
        this.entities.clear();
        for (const [id, e] of Object.entries(msg.entities)) this.entities.set(id, e);
        this.joining?.resolve({ roomId: msg.roomId, resumed: msg.resumed });
        this.joining = undefined;
        this.emit('joined', { roomId: msg.roomId, resumed: msg.resumed, tick: msg.tick });
        return;
      case 'state':
        if (msg.roomId !== this.roomId) return;
        this.tick = msg.tick;
        for (const [id, e] of Object.entries(msg.changed)) this.entities.set(id, e);
        for (const id of msg.removed) this.entities.delete(id);
        if (msg.acks[this.playerId] !== undefined) this.ackedSeq = msg.acks[this.playerId]!;
        this.emit('state', { tick: msg.tick, changed: msg.changed, removed: msg.removed, acks: msg.acks });
        return;
      case 'ended':
        this.roomId = undefined;
        this.emit('ended', msg.result);
        return;
      case 'left':
        this.emit('left', { roomId: msg.roomId, reason: msg.reason });
        return;
      case 'error':
        if (JOIN_ERRORS.has(msg.code)) {
          this.joining?.reject(new Error(`${msg.code}: ${msg.message}`));
          this.joining = undefined;
        }
        this.emit('error', { code: msg.code, message: msg.message });
        return;
      case 'queued':
        this.emit('queued', { queue: msg.queue, ticketId: msg.ticketId });
        return;
      case 'match_found':
        this.emit('matchFound', {
          matchId: msg.matchId,
          roomId: msg.roomId,
          queue: msg.queue,
          teams: msg.teams,
        });
        if ((this.o.autoJoinMatches ?? true) && this.roomId !== msg.roomId) {
          this.join(msg.roomId).catch((err: Error) =>
            this.emit('error', { code: 'join_failed', message: err.message }),
          );
        }
        return;
      case 'party_accepted':
        this.emit('partyAccepted', { leader: msg.leader });
        return;
      case 'party_withdrawn':
        this.emit('partyWithdrawn', { leader: msg.leader });
        return;
      case 'game_message':
        this.emit('game_message', { roomId: msg.roomId, type: msg.messageType, data: msg.data });
        return;
      case 'queue_ended':
        this.emit('queueEnded', { queue: msg.queue, reason: msg.reason, message: msg.message });
        return;
      case 'leaderboard': {
        const pending = this.leaderboards.get(msg.requestId);
        this.leaderboards.delete(msg.requestId);
        if (!pending) return;
        if (msg.ok) pending.resolve(msg.body);
        else {
          const body = msg.body as { error?: unknown; message?: unknown } | undefined;
          pending.reject(new Error(`${String(body?.error ?? 'error')}: ${String(body?.message ?? '')}`));
        }
        return;
      }
      case 'pong': {
        const resolve = this.pings.get(msg.clientTime);
        this.pings.delete(msg.clientTime);
        resolve?.(Date.now() - Math.floor(msg.clientTime));
        return;
      }
    }
  }

  /**
   * Listens for one type of game message (what the game sends with ctx.send / ctx.broadcast).
   * `T` is the data's type as the game defines it; the SDK does not check it. Returns `off`.
   */
  onGameMessage<T = unknown>(type: string, handler: (data: T, roomId: string) => void): () => void {
    return this.on('game_message', (m) => {
      if (m.type === type) handler(m.data as T, m.roomId);
    });
  }
}
