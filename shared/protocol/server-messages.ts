import { decodeFrame, encodeFrame } from './codec.js';
import { asId, asUint, isPlainObject } from './fields.js';

/** Type tags of frames a gateway sends to a client. */
export const ServerType = {
  Welcome: 100,
  Joined: 101,
  State: 102,
  RoomEnded: 103,
  Error: 104,
  Pong: 105,
  Left: 106,
  GameMessage: 107,
  Queued: 110,
  MatchFound: 111,
  QueueEnded: 112,
  PartyAccepted: 113,
  PartyWithdrawn: 114,
  Leaderboard: 120,
} as const;

/** One thing in a room as players see it: a flat record of numbers, strings and booleans. */
export type Entity = Record<string, number | string | boolean>;
export type Entities = Record<string, Entity>;

/** What a finished match produced; `players` holds each player's game-defined stats. */
export interface MatchResult {
  roomId: string;
  game: string;
  /** Set for matchmade rooms: the match, its queue and its teams (player ids). */
  matchId?: string;
  queue?: string;
  teams?: string[][];
  reason: string;
  winner: string | null;
  durationMs: number;
  players: Record<string, Record<string, number>>;
  /** Anything else the game reported (plain data). */
  data?: Record<string, unknown>;
}

export type ServerMessage =
  | { type: 'welcome'; protocolVersion: number; playerId: string; gatewayId: string; resumeToken: string }
  | {
      type: 'joined';
      roomId: string;
      you: string;
      tick: number;
      tickHz: number;
      entities: Entities;
      resumed: boolean;
    }
  | {
      type: 'state';
      roomId: string;
      tick: number;
      changed: Entities;
      removed: string[];
      /** Highest input sequence number applied, per player id. */
      acks: Record<string, number>;
    }
  | { type: 'ended'; roomId: string; result: MatchResult }
  | { type: 'error'; code: string; message: string }
  | { type: 'pong'; clientTime: number; serverTime: number }
  | { type: 'left'; roomId: string; reason: string }
  /** A message from the game (ctx.send / ctx.broadcast): `type` and `data` are the game's own. */
  | { type: 'game_message'; roomId: string; messageType: string; data: unknown }
  | { type: 'queued'; queue: string; ticketId: string }
  | { type: 'match_found'; matchId: string; roomId: string; queue: string; teams: string[][] }
  | { type: 'queue_ended'; queue: string; reason: string; message: string }
  | { type: 'party_accepted'; leader: string }
  | { type: 'party_withdrawn'; leader: string }
  | { type: 'leaderboard'; requestId: number; ok: boolean; body: unknown };

export function encodeServerMessage(m: ServerMessage): Uint8Array {
  switch (m.type) {
    case 'welcome':
      return encodeFrame([ServerType.Welcome, m.protocolVersion, m.playerId, m.gatewayId, m.resumeToken]);
    case 'joined':
      return encodeFrame([ServerType.Joined, m.roomId, m.you, m.tick, m.tickHz, m.entities, m.resumed]);
    case 'state':
      return encodeFrame([ServerType.State, m.roomId, m.tick, m.changed, m.removed, m.acks]);
    case 'ended':
      return encodeFrame([ServerType.RoomEnded, m.roomId, m.result]);
    case 'error':
      return encodeFrame([ServerType.Error, m.code, m.message]);
    case 'pong':
      return encodeFrame([ServerType.Pong, m.clientTime, m.serverTime]);
    case 'left':
      return encodeFrame([ServerType.Left, m.roomId, m.reason]);
    case 'game_message':
      return encodeFrame([ServerType.GameMessage, m.roomId, m.messageType, m.data]);
    case 'queued':
      return encodeFrame([ServerType.Queued, m.queue, m.ticketId]);
    case 'match_found':
      return encodeFrame([ServerType.MatchFound, m.matchId, m.roomId, m.queue, m.teams]);
    case 'queue_ended':
      return encodeFrame([ServerType.QueueEnded, m.queue, m.reason, m.message]);
    case 'party_accepted':
      return encodeFrame([ServerType.PartyAccepted, m.leader]);
    case 'party_withdrawn':
      return encodeFrame([ServerType.PartyWithdrawn, m.leader]);
    case 'leaderboard':
      return encodeFrame([ServerType.Leaderboard, m.requestId, m.ok, m.body]);
  }
}

const str = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Client side: parses a server frame, or returns undefined for anything it does not understand. */
export function parseServerMessage(bytes: Uint8Array): ServerMessage | undefined {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) return undefined;
  const [type, a, b, c, d, e, f] = decoded.fields;
  switch (type) {
    case ServerType.Welcome:
      return num(a) && str(b) && str(c) && str(d)
        ? { type: 'welcome', protocolVersion: a, playerId: b, gatewayId: c, resumeToken: d }
        : undefined;
    case ServerType.Joined:
      return asId(a) && str(b) && asUint(c) !== undefined && num(d) && isPlainObject(e)
        ? {
            type: 'joined',
            roomId: a as string,
            you: b,
            tick: c as number,
            tickHz: d,
            entities: e as Entities,
            resumed: f === true,
          }
        : undefined;
    case ServerType.State:
      return asId(a) && asUint(b) !== undefined && isPlainObject(c) && Array.isArray(d) && isPlainObject(e)
        ? {
            type: 'state',
            roomId: a as string,
            tick: b as number,
            changed: c as Entities,
            removed: d as string[],
            acks: e as Record<string, number>,
          }
        : undefined;
    case ServerType.RoomEnded:
      return asId(a) && isPlainObject(b)
        ? { type: 'ended', roomId: a as string, result: b as unknown as MatchResult }
        : undefined;
    case ServerType.Error:
      return str(a) && str(b) ? { type: 'error', code: a, message: b } : undefined;
    case ServerType.Pong:
      return num(a) && num(b) ? { type: 'pong', clientTime: a, serverTime: b } : undefined;
    case ServerType.Left:
      return asId(a) && str(b) ? { type: 'left', roomId: a as string, reason: b } : undefined;
    case ServerType.GameMessage:
      return asId(a) && str(b)
        ? { type: 'game_message', roomId: a as string, messageType: b, data: c }
        : undefined;
    case ServerType.Queued:
      return str(a) && str(b) ? { type: 'queued', queue: a, ticketId: b } : undefined;
    case ServerType.MatchFound:
      return str(a) && asId(b) && str(c) && Array.isArray(d)
        ? { type: 'match_found', matchId: a, roomId: b as string, queue: c, teams: d as string[][] }
        : undefined;
    case ServerType.QueueEnded:
      return str(a) && str(b) && str(c)
        ? { type: 'queue_ended', queue: a, reason: b, message: c }
        : undefined;
    case ServerType.PartyAccepted:
      return asId(a) ? { type: 'party_accepted', leader: a as string } : undefined;
    case ServerType.PartyWithdrawn:
      return asId(a) ? { type: 'party_withdrawn', leader: a as string } : undefined;
    case ServerType.Leaderboard:
      return asUint(a) !== undefined && typeof b === 'boolean'
        ? { type: 'leaderboard', requestId: a as number, ok: b, body: c }
        : undefined;
    default:
      return undefined;
  }
}
