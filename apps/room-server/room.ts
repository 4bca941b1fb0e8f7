import {
  encodeServerMessage,
  ErrorCode,
  type Entities,
  type MatchResult,
  type RoomToGateway,
} from '../../shared/protocol/index.js';
import type { Roster } from '../../shared/rooms/roster.js';
import { diffEntities, sameEntities } from './entity-diff.js';
import type { AnyGame, GameContext, GameResult } from './game-api.js';
import { SeededRandom } from './seeded-random.js';

export interface RoomSettings {
  tickHz: number;
  /** How long a disconnected player's seat is held. */
  graceMs: number;
  /** Inputs queued per player between ticks; older ones are dropped beyond this. */
  maxQueuedInputs: number;
  /** A room with no human player for this long closes without a result. */
  idleCloseMs: number;
}

/** What a room asks of the server around it. */
export interface RoomEvents {
  send(gatewayId: string, msg: RoomToGateway): void;
  /** A player got (roomId) or lost (null) their seat here. */
  seatChanged(playerId: string, roomId: string | null, room: Room): void;
  /** The room is over: with a result when the match finished, null when it ended without one. */
  ended(room: Room, result: MatchResult | null, reason: string): void;
  /** A matchmade room ended for no-shows: these tickets (present players only) go back to the queue. */
  /** `game`: the mode's game (the roster's; undefined for a mode that names none), whose ratings the tickets queue by. */
  requeue(
    queue: string,
    tickets: { players: string[]; enqueuedAt: number }[],
    game: string | undefined,
  ): void;
  /** The game emitted an event for the match log (ctx.emit). */
  gameEvent?(room: Room, name: string, data: Record<string, unknown>): void;
}

interface Seat {
  playerId: string;
  bot: boolean;
  gatewayId: string | null;
  connected: boolean;
  disconnectedAtMs: number;
  lastSeq: number;
  /** Highest sequence number accepted into the queue: older or repeated ones are dropped. */
  queuedSeq: number;
  ackedSeq: number;
  inputs: unknown[];
  needsSnapshot: boolean;
  snapshotsSent: number;
  badInputs: number;
  /** What this player was last sent (deltas are computed against it). */
  lastView: Entities;
}

export interface RoomCheckpoint {
  v: 1;
  roomId: string;
  game: string;
  tick: number;
  rng: number;
  state: unknown;
  seats: { playerId: string; bot: boolean; lastSeq: number }[];
  startedAtMs: number;
  roster?: RosterState;
  /** Times this room was restored after its game threw (bounded by ROOM_MAX_RESTORES). */
  restores?: number;
}

/** A matchmade room's roster and who of it has shown up so far. */
interface RosterState {
  roster: Roster;
  joined: string[];
  /** The join deadline has been dealt with. */
  settled: boolean;
}

export type JoinOutcome = { ok: true; resumed: boolean } | { ok: false; code: string; message: string };

/** The view of a player who has seen nothing yet: one object, so new players can share a group. */
const NOTHING_SEEN: Entities = Object.freeze({}) as Entities;

function seedFrom(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * One authoritative game room: seats, queued inputs applied on the tick, state deltas out,
 * full snapshots on join, resume and resync. The room server drives tick(); the room never
 * touches the network or Redis itself (see RoomEvents).
 */
export class Room {
  private readonly seats = new Map<string, Seat>();
  private readonly rng: SeededRandom;
  private readonly ctx: GameContext;
  private state: unknown;
  private tickCount: number;
  private lastHumanAtMs: number;
  private over = false;
  private rosterState: RosterState | undefined;
  /** Server ticks per room step (the game's tickRate); 0: on input (and once a second). */
  private readonly stepEvery: number;
  private ticksSinceStep = 0;
  /** The game hook running now, for error reports. */
  private phase = 'create';
  /** Times this room was restored after its game threw. */
  restores = 0;
  readonly startedAtMs: number;
  /** Simulation rate the players are told (ticks per second). */
  readonly tickHz: number;

  private constructor(
    readonly id: string,
    private readonly game: AnyGame,
    private readonly settings: RoomSettings,
    private readonly events: RoomEvents,
    from: { tick: number; rng: number; state?: unknown; startedAtMs: number },
    nowMs: number,
    options: unknown = {},
  ) {
    const rate = game.tickRate ?? settings.tickHz;
    this.stepEvery = rate > 0 ? Math.max(1, Math.round(settings.tickHz / rate)) : 0;
    this.tickHz = rate > 0 ? settings.tickHz / this.stepEvery : 0;
    this.tickCount = from.tick;
    this.rng = new SeededRandom(from.rng);
    this.startedAtMs = from.startedAtMs;
    this.lastHumanAtMs = nowMs;
    this.ctx = this.makeContext();
    this.state = from.state ?? game.create(this.ctx, options);
  }

  static create(
    id: string,
    game: AnyGame,
    settings: RoomSettings,
    events: RoomEvents,
    bots: number,
    nowMs: number,
    roster?: Roster,
    /** The room options as the game's parseOptions returned them. */
    options?: unknown,
  ): Room {
    const room = new Room(
      id,
      game,
      settings,
      events,
      { tick: 0, rng: seedFrom(id), startedAtMs: nowMs },
      nowMs,
      options,
    );
    if (roster) room.rosterState = { roster, joined: [], settled: false };
    const botCount = game.botInput && !roster ? Math.min(bots, game.maxPlayers - 1) : 0;
    for (let i = 1; i <= botCount; i++) room.addSeat(`bot-${i}`, null, true);
    return room;
  }

  /** Rebuilds a room from its checkpoint; every human seat waits for its player to resume. */
  static restore(
    cp: RoomCheckpoint,
    game: AnyGame,
    settings: RoomSettings,
    events: RoomEvents,
    nowMs: number,
  ): Room {
    const room = new Room(cp.roomId, game, settings, events, cp, nowMs);
    room.rosterState = cp.roster;
    room.restores = cp.restores ?? 0;
    for (const s of cp.seats) {
      const seat = room.newSeat(s.playerId, null, s.bot);
      seat.lastSeq = s.lastSeq;
      seat.queuedSeq = s.lastSeq;
      seat.ackedSeq = s.lastSeq;
      seat.connected = s.bot;
      seat.disconnectedAtMs = nowMs;
      seat.snapshotsSent = 1; // these players had a snapshot before the move
      room.seats.set(s.playerId, seat);
    }
    return room;
  }

  get tick(): number {
    return this.tickCount;
  }

  get gameName(): string {
    return this.game.name;
  }

  /** The game hook that ran last (where an error came from). */
  get currentPhase(): string {
    return this.phase;
  }

  /**
   * Called every server tick: whether this room steps now. A game ticks at its own rate
   * (tickRate); a game with tickRate 0 steps when inputs are waiting, and once a second so
   * that deadlines, timeouts and idle rooms are still dealt with.
   */
  due(): boolean {
    this.ticksSinceStep++;
    const every = this.stepEvery > 0 ? this.stepEvery : this.settings.tickHz;
    if (this.ticksSinceStep < every && !(this.stepEvery === 0 && this.hasQueuedInputs())) return false;
    this.ticksSinceStep = 0;
    return true;
  }

  private hasQueuedInputs(): boolean {
    for (const seat of this.seats.values()) if (seat.inputs.length > 0) return true;
    return false;
  }

  get ended(): boolean {
    return this.over;
  }

  /** The match this room plays: from its roster, or the room itself for an open room. */
  get match(): { matchId: string; queue?: string } {
    const roster = this.rosterState?.roster;
    return roster ? { matchId: roster.matchId, queue: roster.queue } : { matchId: this.id };
  }

  /** Every player of a matchmade room's roster (none for an open room). */
  get rosterPlayers(): string[] {
    return this.rosterState?.roster.teams.flat() ?? [];
  }

  get humanCount(): number {
    let n = 0;
    for (const s of this.seats.values()) if (!s.bot) n++;
    return n;
  }

  hasSeat(playerId: string): boolean {
    return this.seats.has(playerId);
  }

  checkpoint(): RoomCheckpoint {
    return {
      v: 1,
      roomId: this.id,
      game: this.game.name,
      tick: this.tickCount,
      rng: this.rng.state,
      state: this.state,
      seats: [...this.seats.values()].map((s) => ({ playerId: s.playerId, bot: s.bot, lastSeq: s.lastSeq })),
      startedAtMs: this.startedAtMs,
      roster: this.rosterState,
      restores: this.restores,
    };
  }

  join(playerId: string, gatewayId: string, nowMs: number): JoinOutcome {
    if (this.over) return { ok: false, code: ErrorCode.RoomEnded, message: `room ${this.id} has ended` };
    const existing = this.seats.get(playerId);
    if (existing && !existing.bot) {
      const previousGateway = existing.gatewayId;
      if (existing.connected && previousGateway && previousGateway !== gatewayId) {
        this.events.send(previousGateway, {
          type: 'unseated',
          roomId: this.id,
          playerId,
          reason: 'superseded',
        });
      }
      existing.gatewayId = gatewayId;
      this.phase = 'reconnect';
      if (!existing.connected) this.game.onReconnect?.(this.state, playerId, this.ctx);
      existing.connected = true;
      existing.needsSnapshot = true;
      this.lastHumanAtMs = nowMs;
      this.events.send(gatewayId, { type: 'seated', roomId: this.id, playerId });
      return { ok: true, resumed: true };
    }
    const rs = this.rosterState;
    if (rs && !rs.roster.teams.some((team) => team.includes(playerId))) {
      return {
        ok: false,
        code: ErrorCode.NotInRoster,
        message: `room ${this.id} is a matchmade room you are not in`,
      };
    }
    if (rs?.settled && !rs.joined.includes(playerId)) {
      return {
        ok: false,
        code: ErrorCode.RoomEnded,
        message: `the join deadline of room ${this.id} has passed`,
      };
    }
    if (this.seats.size >= this.game.maxPlayers) {
      return {
        ok: false,
        code: ErrorCode.RoomFull,
        message: `room ${this.id} is full (${this.game.maxPlayers} players)`,
      };
    }
    if (this.game.canJoin) {
      this.phase = 'canJoin';
      const verdict: unknown = this.game.canJoin(this.state, playerId, this.ctx);
      if (verdict !== true) {
        const reason = typeof verdict === 'string' ? verdict.slice(0, 200) : 'refused by the game';
        return { ok: false, code: ErrorCode.JoinRefused, message: reason };
      }
    }
    this.addSeat(playerId, gatewayId, false);
    if (rs && !rs.joined.includes(playerId)) rs.joined.push(playerId);
    this.lastHumanAtMs = nowMs;
    this.events.send(gatewayId, { type: 'seated', roomId: this.id, playerId });
    this.events.seatChanged(playerId, this.id, this);
    return { ok: true, resumed: false };
  }

  /** Queues an input for the next tick; only the gateway holding the seat may send for it. */
  input(playerId: string, gatewayId: string, seq: number, raw: unknown): void {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot || seat.gatewayId !== gatewayId || !seat.connected) return;
    if (seq <= seat.queuedSeq) return; // stale or replayed
    seat.queuedSeq = seq;
    seat.inputs.push({ seq, raw });
    if (seat.inputs.length > this.settings.maxQueuedInputs) seat.inputs.shift();
  }

  disconnect(playerId: string, gatewayId: string, nowMs: number): void {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot || seat.gatewayId !== gatewayId || !seat.connected) return;
    seat.connected = false;
    seat.disconnectedAtMs = nowMs;
    seat.inputs.length = 0;
    this.phase = 'disconnect';
    this.game.onDisconnect?.(this.state, playerId, this.ctx);
  }

  /** Every player on a gateway whose link dropped: their seats wait for them to resume. */
  disconnectGateway(gatewayId: string, nowMs: number): void {
    for (const seat of this.seats.values()) {
      if (seat.gatewayId === gatewayId) this.disconnect(seat.playerId, gatewayId, nowMs);
    }
  }

  leave(playerId: string, gatewayId: string): void {
    const seat = this.seats.get(playerId);
    if (!seat || seat.bot || seat.gatewayId !== gatewayId) return;
    this.deliver([seat], encodeServerMessage({ type: 'left', roomId: this.id, reason: 'left' }));
    this.removeSeat(seat, 'left');
  }

  resync(playerId: string, gatewayId: string): void {
    const seat = this.seats.get(playerId);
    if (seat && seat.gatewayId === gatewayId) seat.needsSnapshot = true;
  }

  /** One fixed step: inputs, bots, simulation, departures, deltas, snapshots, result. */
  step(nowMs: number): void {
    if (this.over) return;
    this.tickCount++;
    const ctx = this.ctx;
    for (const seat of this.seats.values()) {
      if (seat.bot) {
        this.phase = 'bot';
        const input = this.game.botInput?.(this.state, seat.playerId, ctx);
        if (input !== undefined) this.game.onInput(this.state, seat.playerId, input, ctx);
        continue;
      }
      for (const { seq, raw } of seat.inputs.splice(0) as { seq: number; raw: unknown }[]) {
        this.phase = 'input';
        const input = this.game.parseInput(raw);
        seat.lastSeq = Math.max(seat.lastSeq, seq);
        if (input === undefined) {
          this.rejectInput(seat, seq);
          continue;
        }
        this.game.onInput(this.state, seat.playerId, input, ctx);
      }
    }
    this.phase = 'tick';
    this.game.onTick(this.state, ctx);
    if (this.settleRoster(nowMs)) return;
    this.phase = 'leave';
    this.dropExpiredSeats(nowMs);
    this.phase = 'view';
    this.broadcast();
    this.phase = 'result';
    const outcome = this.game.result(this.state, ctx);
    const match = this.rosterState && {
      matchId: this.rosterState.roster.matchId,
      queue: this.rosterState.roster.queue,
      teams: this.rosterState.roster.teams.map((team) =>
        team.filter((p) => this.rosterState!.joined.includes(p)),
      ),
    };
    if (outcome) this.end(this.matchResult(outcome, match), 'finished');
    else if (this.humanCount === 0 && nowMs - this.lastHumanAtMs > this.settings.idleCloseMs)
      this.end(null, 'idle');
  }

  /**
   * At a matchmade room's join deadline: everyone came, or the no-shows are dropped and the
   * match plays on ("continue", with at least two players), or it ends and the players who
   * came go back to the queue with their original priority ("requeue"). True if it ended.
   */
  private settleRoster(nowMs: number): boolean {
    const rs = this.rosterState;
    if (!rs || rs.settled || nowMs < rs.roster.joinDeadlineAt) return false;
    rs.settled = true;
    const missing = rs.roster.teams.flat().filter((p) => !rs.joined.includes(p));
    if (missing.length === 0) return false;
    if (rs.roster.noShow === 'continue' && rs.joined.length >= 2) return false;
    const present = new Set(rs.joined);
    const back = rs.roster.tickets
      .map((t) => ({ players: t.players.filter((p) => present.has(p)), enqueuedAt: t.enqueuedAt }))
      .filter((t) => t.players.length > 0);
    this.deliver(
      this.connectedHumans(),
      encodeServerMessage({
        type: 'left',
        roomId: this.id,
        reason: `no_show: ${missing.length} player(s) did not join; back in the queue`,
      }),
    );
    this.end(null, 'no_show');
    if (back.length > 0) this.events.requeue(rs.roster.queue, back, rs.roster.game);
    return true;
  }

  /** Closes the room at once (server shutting down, or ownership lost): seats move elsewhere. */
  abandon(reason: string): void {
    if (this.over) return;
    this.over = true;
    for (const seat of this.seats.values()) {
      if (!seat.bot && seat.gatewayId) {
        this.events.send(seat.gatewayId, {
          type: 'unseated',
          roomId: this.id,
          playerId: seat.playerId,
          reason,
        });
      }
    }
  }

  /** The game's result with what Arena owns (room, game, match, queue, teams, duration) on top. */
  private matchResult(
    outcome: GameResult,
    match: Pick<MatchResult, 'matchId' | 'queue' | 'teams'> | undefined,
  ): MatchResult {
    const players: MatchResult['players'] = {};
    for (const [playerId, stats] of Object.entries(outcome.players ?? {})) {
      const clean: Record<string, number> = {};
      for (const [k, v] of Object.entries(stats ?? {}))
        if (typeof v === 'number' && Number.isFinite(v)) clean[k] = v;
      players[playerId] = clean;
    }
    return {
      reason: typeof outcome.reason === 'string' ? outcome.reason : 'finished',
      winner: typeof outcome.winner === 'string' ? outcome.winner : null,
      players,
      ...(outcome.data ? { data: outcome.data } : {}),
      durationMs: Math.round(this.tickCount * this.ctx.tickMs),
      roomId: this.id,
      game: this.game.name,
      ...match,
    };
  }

  /** The game kept failing: the room ends without a result, its players are told why. */
  fail(reason: string): void {
    if (this.over) return;
    this.deliver(this.connectedHumans(), encodeServerMessage({ type: 'left', roomId: this.id, reason }));
    this.end(null, 'game_error');
  }

  private end(result: MatchResult | null, reason: string): void {
    if (result)
      this.deliver(this.connectedHumans(), encodeServerMessage({ type: 'ended', roomId: this.id, result }));
    for (const seat of [...this.seats.values()]) this.removeSeat(seat, 'ended', false);
    this.over = true;
    this.events.ended(this, result, reason);
  }

  private rejectInput(seat: Seat, seq: number): void {
    // One error per few bad inputs: enough for a client to notice, not a reflection amplifier.
    if (seat.badInputs++ % 16 !== 0) return;
    this.deliver(
      [seat],
      encodeServerMessage({
        type: 'error',
        code: ErrorCode.BadInput,
        message: `input ${seq} rejected by ${this.game.name}`,
      }),
    );
  }

  private dropExpiredSeats(nowMs: number): void {
    for (const seat of [...this.seats.values()]) {
      if (!seat.bot && !seat.connected && nowMs - seat.disconnectedAtMs > this.settings.graceMs) {
        this.removeSeat(seat, 'timeout');
      }
    }
    if (this.connectedHumans().length > 0) this.lastHumanAtMs = nowMs;
  }

  private broadcast(): void {
    const acks: Record<string, number> = {};
    let ackChanged = false;
    for (const seat of this.seats.values()) {
      if (!seat.bot && seat.lastSeq !== seat.ackedSeq) {
        acks[seat.playerId] = seat.lastSeq;
        seat.ackedSeq = seat.lastSeq;
        ackChanged = true;
      }
    }
    for (const group of this.viewGroups()) {
      const { changed, removed } = diffEntities(group.previous, group.view);
      const recipients: Seat[] = [];
      for (const seat of group.seats) {
        seat.lastView = group.view;
        if (!seat.needsSnapshot) recipients.push(seat);
      }
      if (recipients.length > 0 && (ackChanged || removed.length > 0 || Object.keys(changed).length > 0)) {
        this.deliver(
          recipients,
          encodeServerMessage({
            type: 'state',
            roomId: this.id,
            tick: this.tickCount,
            changed,
            removed,
            acks,
          }),
        );
      }
      for (const seat of group.seats) {
        if (!seat.needsSnapshot) continue;
        seat.needsSnapshot = false;
        const frame = encodeServerMessage({
          type: 'joined',
          roomId: this.id,
          you: seat.playerId,
          tick: this.tickCount,
          tickHz: this.tickHz,
          entities: group.view,
          resumed: seat.snapshotsSent++ > 0,
        });
        this.deliver([seat], frame);
      }
    }
  }

  /**
   * Each connected player's view, grouped so that players who were sent the same view before
   * and see the same view now share one diff and one encoded frame.
   */
  private viewGroups(): { previous: Entities; view: Entities; seats: Seat[] }[] {
    const groups: { previous: Entities; view: Entities; seats: Seat[] }[] = [];
    for (const seat of this.connectedHumans()) {
      const view = this.game.view(this.state, seat.playerId);
      const group = groups.find((g) => g.previous === seat.lastView && sameEntities(g.view, view));
      if (group) group.seats.push(seat);
      else groups.push({ previous: seat.lastView, view, seats: [seat] });
    }
    return groups;
  }

  /** Sends one encoded frame to these seats, one Deliver per gateway. */
  private deliver(seats: Seat[], frame: Uint8Array): void {
    const byGateway = new Map<string, string[]>();
    for (const seat of seats) {
      if (!seat.gatewayId || !seat.connected) continue;
      const list = byGateway.get(seat.gatewayId);
      if (list) list.push(seat.playerId);
      else byGateway.set(seat.gatewayId, [seat.playerId]);
    }
    for (const [gatewayId, playerIds] of byGateway)
      this.events.send(gatewayId, { type: 'deliver', playerIds, frame });
  }

  private connectedHumans(): Seat[] {
    return [...this.seats.values()].filter((s) => !s.bot && s.connected && s.gatewayId !== null);
  }

  private newSeat(playerId: string, gatewayId: string | null, bot: boolean): Seat {
    return {
      playerId,
      bot,
      gatewayId,
      connected: true,
      disconnectedAtMs: 0,
      lastSeq: 0,
      queuedSeq: 0,
      ackedSeq: 0,
      inputs: [],
      needsSnapshot: !bot,
      snapshotsSent: 0,
      badInputs: 0,
      lastView: NOTHING_SEEN,
    };
  }

  private addSeat(playerId: string, gatewayId: string | null, bot: boolean): void {
    this.seats.set(playerId, this.newSeat(playerId, gatewayId, bot));
    this.phase = 'join';
    this.game.onJoin(this.state, playerId, this.ctx);
  }

  private removeSeat(seat: Seat, reason: string, notifyGame = true): void {
    this.seats.delete(seat.playerId);
    this.phase = 'leave';
    if (notifyGame) this.game.onLeave(this.state, seat.playerId, this.ctx);
    if (seat.bot) return;
    if (seat.gatewayId) {
      this.events.send(seat.gatewayId, {
        type: 'unseated',
        roomId: this.id,
        playerId: seat.playerId,
        reason,
      });
    }
    this.events.seatChanged(seat.playerId, null, this);
  }

  /** The one context object the game's hooks receive (its tick reads the room's clock). */
  private makeContext(): GameContext {
    const tick = () => this.tickCount;
    const rng = this.rng;
    const tickMs = this.stepEvery > 0 ? (1000 * this.stepEvery) / this.settings.tickHz : 1000;
    return {
      roomId: this.id,
      get tick() {
        return tick();
      },
      tickMs,
      random: () => rng.next(),
      send: (playerId, type, data) => {
        const seat = this.seats.get(playerId);
        if (seat && !seat.bot) this.deliver([seat], this.gameMessage(type, data));
      },
      broadcast: (type, data) => this.deliver(this.connectedHumans(), this.gameMessage(type, data)),
      emit: (name, data) => this.events.gameEvent?.(this, checkName('event', name), data ?? {}),
    };
  }

  private gameMessage(type: string, data: unknown): Uint8Array {
    return encodeServerMessage({
      type: 'game_message',
      roomId: this.id,
      messageType: checkName('message', type),
      data,
    });
  }
}

/** Names a game gives its messages and events: short plain strings (a bad one is a game bug). */
function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > 64)
    throw new TypeError(`game ${what} name must be a string of 1-64 characters`);
  return name;
}
