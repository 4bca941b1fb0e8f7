import type { Redis } from 'ioredis';
import type { ArenaConfig } from '../../shared/config/index.js';
import type { Logger } from '../../shared/log/logger.js';
import { RoomServerRegistry } from '../../shared/placement/registry.js';
import {
  ErrorCode,
  type GatewayToRoom,
  type JoinOptions,
  type MatchResult,
} from '../../shared/protocol/index.js';
import type { RedisFailures } from '../../shared/redis/failures.js';
import { realtimeKeys } from '../../shared/redis/keys.js';
import type { TicketStore } from '../../shared/matchmaking/ticket-store.js';
import type { MatchmakingRatings } from '../../shared/rankings/matchmaking-ratings.js';
import type { RosterStore } from '../../shared/rooms/roster.js';
import { newMatchEvent, type MatchEvent } from '../../shared/events/match-events.js';
import type { AnyGame } from './game-api.js';
import { GatewayLinkServer } from './gateway-link-server.js';
import { Room, type RoomCheckpoint, type RoomEvents, type RoomSettings } from './room.js';
import { RoomStore } from './room-store.js';
import { TickLoop } from './tick-loop.js';

export interface RoomServerOptions {
  id: string;
  config: ArenaConfig;
  /** The games this server hosts; the first is the default for a room that names none. */
  games: readonly AnyGame[];
  redis: Redis;
  /** Counts and logs what failed on Redis (checkpoints, heartbeats, joins, seats). */
  redisFailures: RedisFailures;
  log: Logger;
  /** Re-queues players after a no-show. */
  tickets: TicketStore;
  ratings: MatchmakingRatings;
  rosters: RosterStore;
  /** Called once per finished match (ratings hook in here). */
  onMatchEnded?: (result: MatchResult) => void;
  /** Receives every match event (room opened, player joined or left, match ended). */
  matchLog?: (event: MatchEvent) => void;
  /** Told how long each tick (all rooms) took, in seconds. */
  onTick?: (seconds: number) => void;
}

/** Plain counters for /metrics (room-server-metrics.ts reads them at scrape time). */
export interface RoomServerCounters {
  checkpoints: number;
  checkpointFailures: number;
  /** Rooms whose owner record Redis had lost, recorded again by this server (kept running). */
  ownershipReasserted: number;
  /** Rooms given up because another server owns them now (their players follow it). */
  roomsMoved: number;
  /** Game hooks that threw. */
  roomErrors: number;
  /** Rooms put back to their last checkpoint after their game threw. */
  roomsRestored: number;
  /** Rooms ended because their game kept failing after ROOM_MAX_RESTORES restores. */
  roomsFailed: number;
  /** Joins refused because the server was at ROOM_MAX_ROOMS (the gateway placed the room elsewhere). */
  refusedFull: number;
  matchesEnded: number;
  /** Date.now() of the last heartbeat Redis accepted. */
  lastHeartbeatMs: number;
}

type Opened = { ok: true; room: Room } | { ok: false; code: string; message: string };

/**
 * Runs rooms for gateways: registers itself in Redis with a heartbeat, accepts gateway
 * links, opens rooms it owns (restoring a checkpoint if the room ran elsewhere before),
 * ticks them, checkpoints them, and gives up any room whose ownership moved away.
 */
export class RoomServer {
  private readonly rooms = new Map<string, Room>();
  private readonly opening = new Map<string, Promise<Opened>>();
  /** Rooms whose game threw here: how many times each has been restored (kept in its checkpoints too). */
  private readonly restoreCounts = new Map<string, number>();
  private readonly links: GatewayLinkServer;
  private readonly store: RoomStore;
  private readonly registry: RoomServerRegistry;
  private readonly tickLoop: TickLoop;
  private readonly settings: RoomSettings;
  private readonly events: RoomEvents;
  private heartbeat: NodeJS.Timeout | undefined;
  private address = '';
  private stopping = false;
  readonly counters: RoomServerCounters = {
    checkpoints: 0,
    checkpointFailures: 0,
    ownershipReasserted: 0,
    roomsMoved: 0,
    roomErrors: 0,
    roomsRestored: 0,
    roomsFailed: 0,
    refusedFull: 0,
    matchesEnded: 0,
    lastHeartbeatMs: 0,
  };

  constructor(private readonly o: RoomServerOptions) {
    const rs = o.config.roomServer;
    const keys = realtimeKeys(o.config.redis.keyPrefix);
    this.settings = {
      tickHz: rs.tickHz,
      graceMs: rs.resumeGraceMs,
      maxQueuedInputs: rs.maxQueuedInputs,
      idleCloseMs: rs.idleCloseMs,
    };
    this.store = new RoomStore(o.redis, keys, o.id, Math.max(3_600_000, rs.resumeGraceMs * 4));
    this.registry = new RoomServerRegistry(o.redis, keys, o.config.registry.ttlMs);
    this.links = new GatewayLinkServer(
      { secret: o.config.link.secret, maxBufferedBytes: rs.linkMaxBufferedBytes },
      {
        onMessage: (gatewayId, msg) => this.onLinkMessage(gatewayId, msg),
        onGatewayGone: (gatewayId) => {
          for (const room of this.rooms.values()) room.disconnectGateway(gatewayId, Date.now());
        },
      },
      o.log,
    );
    this.tickLoop = new TickLoop(rs.tickHz, (now) => this.tick(now));
    this.events = {
      send: (gatewayId, msg) => this.links.send(gatewayId, msg),
      seatChanged: (playerId, roomId, room) => {
        this.background(this.store.setSeat(playerId, roomId), 'seat_update');
        this.logEvent(room, roomId ? 'player_joined' : 'player_left', { playerId });
      },
      ended: (room, result, reason) => this.onRoomEnded(room, result, reason),
      requeue: (queue, tickets, game) =>
        this.background(this.requeue(queue, tickets, game), 'no_show_requeue'),
      // ctx.emit: a game_event in the match log; its data as JSON text (searchable, bounded).
      gameEvent: (room, name, data) =>
        this.logEvent(room, 'game_event', { name, detail: gameEventDetail(data) }),
    };
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  /** Human players seated in this server's rooms (connected or within their grace period). */
  get playerCount(): number {
    let n = 0;
    for (const room of this.rooms.values()) n += room.humanCount;
    return n;
  }

  get tickStats(): { ticks: number; overruns: number } {
    return { ticks: this.tickLoop.ticks, overruns: this.tickLoop.overruns };
  }

  get linkStats(): GatewayLinkServer['counters'] & {
    links: number;
    droppedSlowLinks: number;
    refusedLinks: number;
  } {
    return {
      ...this.links.counters,
      links: this.links.linkCount,
      droppedSlowLinks: this.links.droppedSlowLinks,
      refusedLinks: this.links.refusedLinks,
    };
  }

  async start(): Promise<{ id: string; address: string; port: number }> {
    const rs = this.o.config.roomServer;
    const port = await this.links.listen(rs.host, rs.port);
    this.address = `${rs.advertiseHost || rs.host}:${port}`;
    await this.beat();
    this.heartbeat = setInterval(
      () => this.background(this.beat(), 'heartbeat'),
      this.o.config.registry.heartbeatMs,
    );
    this.tickLoop.start();
    this.o.redis.on('ready', this.onRedisBack);
    return { id: this.o.id, address: this.address, port };
  }

  /**
   * Redis is reachable again after an outage, a restart or a failover: register and write
   * every room's checkpoint now (rather than within a period), so that a room whose owner
   * record was lost is recorded again before a gateway places it elsewhere.
   */
  private readonly onRedisBack = (): void => {
    if (this.stopping) return;
    this.background(this.beat(), 'heartbeat');
    for (const room of this.rooms.values()) if (!room.ended) this.checkpoint(room);
  };

  /**
   * Graceful stop: leave the registry first (gateways stop choosing this server), write a
   * fresh checkpoint of every room, then drop the links; gateways resume the players on the
   * rooms' new owners, which restore from those checkpoints.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.o.redis.off('ready', this.onRedisBack);
    clearInterval(this.heartbeat);
    this.tickLoop.stop();
    await this.registry.deregister(this.o.id).catch(() => {});
    await Promise.allSettled(
      [...this.rooms.values()].map((room) => this.store.saveCheckpoint(room.checkpoint())),
    );
    for (const room of this.rooms.values()) room.abandon('server_stopping');
    this.rooms.clear();
    await this.links.close();
  }

  private async beat(): Promise<void> {
    await this.registry.heartbeat({
      id: this.o.id,
      address: this.address,
      games: this.o.games.map((g) => g.name),
      rooms: this.rooms.size + this.opening.size,
      maxRooms: this.o.config.roomServer.maxRooms,
    });
    this.counters.lastHeartbeatMs = Date.now();
  }

  private tick(now: number): void {
    const started = performance.now();
    this.tickRooms(now);
    this.o.onTick?.((performance.now() - started) / 1000);
  }

  private tickRooms(now: number): void {
    const every = this.o.config.roomServer.checkpointEveryTicks;
    for (const room of this.rooms.values()) {
      if (!room.due()) continue;
      try {
        room.step(now);
      } catch (err) {
        this.gameFailed(room, err);
        continue;
      }
      if (!room.ended && room.tick % every === 0) this.checkpoint(room);
    }
  }

  private checkpoint(room: Room): void {
    const cp = room.checkpoint();
    this.store.saveCheckpoint(cp).then(
      (outcome) => {
        if (outcome !== 'moved') this.counters.checkpoints++;
        if (outcome === 'reclaimed') this.reclaimed(room, cp);
        if (outcome !== 'moved' || room.ended) return;
        // Another server owns the room now: stop here, players follow the new owner.
        this.counters.roomsMoved++;
        this.o.log.warn({ roomId: room.id }, 'room ownership moved: handing players over');
        room.abandon('moved');
        if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
      },
      (err: unknown) => {
        this.counters.checkpointFailures++;
        this.o.redisFailures.record('checkpoint', err, { roomId: room.id });
      },
    );
  }

  /** Redis had lost the room's owner record (now ours again): its players' seats went with it. */
  private reclaimed(room: Room, cp: RoomCheckpoint): void {
    this.counters.ownershipReasserted++;
    const players = cp.seats.filter((s) => !s.bot).map((s) => s.playerId);
    this.o.log.warn(
      { roomId: room.id, tick: cp.tick, players },
      'room owner record was missing from Redis: recorded this server again, room kept running',
    );
    for (const playerId of players) this.background(this.store.setSeat(playerId, room.id), 'seat_update');
  }

  private onLinkMessage(gatewayId: string, msg: GatewayToRoom): void {
    if (msg.type === 'join') {
      this.background(this.join(gatewayId, msg.roomId, msg.playerId, msg.options), 'join');
      return;
    }
    if (msg.type === 'hello') return;
    const room = this.rooms.get(msg.roomId);
    if (!room) {
      if (msg.type !== 'disconnected') {
        this.links.send(gatewayId, {
          type: 'unseated',
          roomId: msg.roomId,
          playerId: msg.playerId,
          reason: 'no_room',
        });
      }
      return;
    }
    try {
      this.routeToRoom(room, gatewayId, msg);
    } catch (err) {
      this.gameFailed(room, err);
    }
  }

  private routeToRoom(
    room: Room,
    gatewayId: string,
    msg: Exclude<GatewayToRoom, { type: 'join' | 'hello' }>,
  ): void {
    const now = Date.now();
    switch (msg.type) {
      case 'input':
        return room.input(msg.playerId, gatewayId, msg.seq, msg.input);
      case 'leave':
        return room.leave(msg.playerId, gatewayId);
      case 'disconnected':
        return room.disconnect(msg.playerId, gatewayId, now);
      case 'resync':
        return room.resync(msg.playerId, gatewayId);
    }
  }

  private async join(
    gatewayId: string,
    roomId: string,
    playerId: string,
    options: JoinOptions,
  ): Promise<void> {
    const reject = (code: string, message: string) =>
      this.links.send(gatewayId, { type: 'rejected', roomId, playerId, code, message });
    let opened: Room | { code: string; message: string } | undefined;
    try {
      opened = this.rooms.get(roomId) ?? (this.stopping ? undefined : await this.open(roomId, options));
    } catch (err) {
      // Never leave the gateway waiting: it retries (bounded) and then tells the player.
      this.o.redisFailures.record('room_open', err, { roomId, playerId });
      return reject(ErrorCode.RoomUnavailable, `room ${roomId} cannot be opened now (storage unavailable)`);
    }
    if (!opened) return reject(ErrorCode.RoomUnavailable, 'room server is stopping');
    if (!(opened instanceof Room)) return reject(opened.code, opened.message);
    let outcome: ReturnType<Room['join']>;
    try {
      outcome = opened.join(playerId, gatewayId, Date.now());
    } catch (err) {
      this.gameFailed(opened, err);
      return reject(ErrorCode.RoomUnavailable, `room ${roomId} is being restored; try again`);
    }
    if (!outcome.ok) reject(outcome.code, outcome.message);
    else {
      const { matchId } = opened.match;
      this.o.log.info({ roomId, matchId, playerId, gatewayId, resumed: outcome.resumed }, 'player seated');
    }
  }

  /** Opens a room once even if several joins for it arrive together. */
  private async open(
    roomId: string,
    options: JoinOptions,
  ): Promise<Room | { code: string; message: string }> {
    let pending = this.opening.get(roomId);
    if (!pending) {
      pending = this.openOnce(roomId, options).finally(() => this.opening.delete(roomId));
      this.opening.set(roomId, pending);
    }
    const opened = await pending;
    return opened.ok ? opened.room : opened;
  }

  private async openOnce(roomId: string, options: JoinOptions): Promise<Opened> {
    if (this.rooms.size >= this.o.config.roomServer.maxRooms) {
      // The gateway leaves this server out for this room and moves it to the next choice.
      this.counters.refusedFull++;
      this.o.log.warn(
        { roomId, rooms: this.rooms.size },
        'at ROOM_MAX_ROOMS: refused a new room (placed elsewhere)',
      );
      return { ok: false, code: ErrorCode.CannotHost, message: `room server ${this.o.id} is at capacity` };
    }
    if (!(await this.store.ownedByMe(roomId))) {
      return {
        ok: false,
        code: ErrorCode.RoomUnavailable,
        message: `room ${roomId} is placed on another server`,
      };
    }
    const checkpoint = await this.store.loadCheckpoint(roomId);
    const now = Date.now();
    let room: Room;
    if (checkpoint) {
      const game = this.gameNamed(checkpoint.game);
      if (!game) {
        // A checkpoint restores only where its game is hosted: the gateway places it elsewhere.
        return { ok: false, code: ErrorCode.CannotHost, message: `room ${roomId} runs ${checkpoint.game}` };
      }
      room = Room.restore(checkpoint, game, this.settings, this.events, now);
      room.restores = Math.max(room.restores, this.restoreCounts.get(roomId) ?? 0);
      this.o.log.info({ roomId, tick: checkpoint.tick, game: game.name }, 'room restored from checkpoint');
    } else {
      const roster = await this.o.rosters.read(roomId);
      // A matchmade room is its mode's: its game and options, never the first joiner's.
      const name = (roster ? roster.game : options.game) ?? this.o.games[0]!.name;
      const game = this.gameNamed(name);
      if (!game) {
        if ((roster ? roster.game : options.game) === undefined)
          return { ok: false, code: ErrorCode.BadRoomOptions, message: `no game for room ${roomId}` };
        return {
          ok: false,
          code: ErrorCode.CannotHost,
          message: `room server ${this.o.id} does not host ${name}`,
        };
      }
      const parsed = this.roomOptions(game, roster ? roster.options : options.options);
      if (typeof parsed === 'string')
        return { ok: false, code: ErrorCode.BadRoomOptions, message: `${game.name}: ${parsed}` };
      const bots = Math.min(options.bots, game.maxPlayers - 1);
      try {
        room = Room.create(roomId, game, this.settings, this.events, bots, now, roster, parsed.value);
      } catch (err) {
        this.reportGameError(game, err, roomId, 'create');
        return {
          ok: false,
          code: ErrorCode.RoomUnavailable,
          message: `${game.name} failed to create room ${roomId}`,
        };
      }
      room.restores = this.restoreCounts.get(roomId) ?? 0;
      this.o.log.info({ roomId, game: game.name, bots, matchId: roster?.matchId }, 'room created');
    }
    this.rooms.set(roomId, room);
    if (!checkpoint) this.logEvent(room, 'match_started', {});
    return { ok: true, room };
  }

  private gameNamed(name: string): AnyGame | undefined {
    return this.o.games.find((g) => g.name === name);
  }

  /** The game's own options check (parseOptions) of untrusted room options; a string refuses. */
  private roomOptions(game: AnyGame, raw: unknown): { value: unknown } | string {
    if (!game.parseOptions) return { value: {} };
    try {
      const parsed: unknown = game.parseOptions(raw ?? {});
      return typeof parsed === 'string' ? parsed.slice(0, 200) : { value: parsed };
    } catch (err) {
      return `options refused (${err instanceof Error ? err.message : 'parseOptions threw'})`;
    }
  }

  /** Counts, logs and reports to the game's onError hook a hook that threw. */
  private reportGameError(game: AnyGame, err: unknown, roomId: string, phase: string): void {
    this.counters.roomErrors++;
    this.o.log.error({ err, roomId, game: game.name, phase }, 'game hook threw');
    try {
      game.onError?.(err, { roomId, phase });
    } catch (hookErr) {
      this.o.log.error({ err: hookErr, roomId, game: game.name }, "the game's onError hook threw too");
    }
  }

  /**
   * A game hook threw: the room goes back to its last checkpoint (its players are unseated with
   * reason room_error, and their gateways join them again, which restores it here). After
   * ROOM_MAX_RESTORES restores the room ends instead, with a reason, so a game that keeps
   * failing cannot loop; the other rooms on this server keep ticking.
   */
  private gameFailed(room: Room, err: unknown): void {
    const game = this.gameNamed(room.gameName)!;
    this.reportGameError(game, err, room.id, room.currentPhase);
    if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
    const max = this.o.config.roomServer.maxRestores;
    if (room.restores >= max) {
      this.counters.roomsFailed++;
      this.o.log.error({ roomId: room.id, restores: room.restores }, 'game kept failing: room ended');
      room.fail(
        `game_error: ${game.name} failed ${room.restores + 1} times (restored ${room.restores} times)`,
      );
      return;
    }
    this.counters.roomsRestored++;
    this.restoreCounts.set(room.id, room.restores + 1);
    room.abandon('room_error');
  }

  private onRoomEnded(room: Room, result: MatchResult | null, reason: string): void {
    if (this.rooms.get(room.id) === room) this.rooms.delete(room.id);
    this.restoreCounts.delete(room.id);
    this.background(this.store.release(room.id), 'room_release');
    // Its players may queue again (a no-show re-queue follows on the same connection, after this).
    if (room.match.queue)
      this.background(this.o.tickets.releaseMatch(room.match.matchId, room.rosterPlayers), 'match_release');
    this.o.log.info(
      { roomId: room.id, matchId: room.match.matchId, result, reason },
      result ? 'match ended' : `room closed (${reason})`,
    );
    if (result) {
      this.counters.matchesEnded++;
      this.o.onMatchEnded?.(result);
    }
    this.logEvent(room, 'match_ended', {
      reason: result?.reason ?? reason,
      winner: result?.winner ?? null,
      durationMs: result?.durationMs ?? Date.now() - room.startedAtMs,
      players: Object.entries(result?.players ?? {}).map(([playerId, stats]) => ({
        playerId,
        score: 0,
        ...stats,
      })),
    });
  }

  private logEvent(room: Room, type: MatchEvent['type'], fields: Partial<MatchEvent>): void {
    if (!this.o.matchLog) return;
    const { matchId, queue } = room.match;
    this.o.matchLog(
      newMatchEvent({
        type,
        matchId,
        roomId: room.id,
        serverId: this.o.id,
        game: room.gameName,
        ...(queue ? { queue, region: queue.split('.')[1] } : {}),
        ...fields,
      }),
    );
  }

  /** No-show: the players who came go back to their queue, keeping their parties and place. */
  private async requeue(
    queue: string,
    tickets: { players: string[]; enqueuedAt: number }[],
    game: string | undefined,
  ): Promise<void> {
    for (const t of tickets) {
      const rating = await this.o.ratings.of(t.players, game);
      const result = await this.o.tickets.enqueue(queue, t.players, rating, t.enqueuedAt);
      this.o.log.info({ queue, players: t.players, ok: result.ok }, 'no-show: players re-queued');
      if (result.ok) await this.o.tickets.announceQueued(result.ticket);
    }
  }

  private background(p: Promise<unknown>, what: string): void {
    p.catch((err: unknown) => this.o.redisFailures.record(what, err));
  }
}

const MAX_GAME_EVENT_DETAIL = 2_000;

/** A game event's data as JSON text of at most MAX_GAME_EVENT_DETAIL characters. */
function gameEventDetail(data: Record<string, unknown>): string {
  let text: string;
  try {
    text = JSON.stringify(data) ?? '{}';
  } catch {
    text = '"unserializable data"';
  }
  return text.length > MAX_GAME_EVENT_DETAIL ? `${text.slice(0, MAX_GAME_EVENT_DETAIL)}...` : text;
}
