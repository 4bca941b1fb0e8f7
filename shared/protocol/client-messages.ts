import { decodeFrame, encodeFrame } from './codec.js';
import { ErrorCode } from './errors.js';
import { asFiniteNumber, asId, asIdList, asUint, isPlainObject } from './fields.js';

/** Bumped on any incompatible change; clients state theirs when they connect (?v=). */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_PROTOCOL_VERSIONS: readonly number[] = [1];

/** Type tags of frames a client sends to a gateway. */
export const ClientType = {
  JoinRoom: 1,
  Input: 2,
  LeaveRoom: 3,
  Ping: 4,
  Queue: 10,
  CancelQueue: 11,
  PartyAccept: 12,
  PartyWithdraw: 13,
  Leaderboard: 20,
} as const;

export const MAX_BOTS_PER_ROOM = 7;
/** Other players a party leader may bring (the mode's team size bounds it further). */
export const MAX_PARTY_MEMBERS = 15;

export interface JoinOptions {
  /** Server-side bots to add when this join creates the room (0..MAX_BOTS_PER_ROOM). */
  bots: number;
  /** The room's game when this join creates it (default: the room server's first game). */
  game?: string;
  /** Room options for the game's parseOptions when this join creates the room (plain data). */
  options?: unknown;
}

const GAME_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The join options as they go on the wire: only what is set, so older frames stay the same bytes. */
export function joinOptionsOnWire(o: JoinOptions): Record<string, unknown> {
  return {
    bots: o.bots,
    ...(o.game !== undefined ? { game: o.game } : {}),
    ...(o.options !== undefined ? { options: o.options } : {}),
  };
}

/** Untrusted join options (from a client or a link), or undefined if malformed. */
export function parseJoinOptions(value: unknown, maxBots = MAX_BOTS_PER_ROOM): JoinOptions | undefined {
  if (value === undefined || value === null) return { bots: 0 };
  if (!isPlainObject(value)) return undefined;
  const bots = value.bots === undefined ? 0 : asUint(value.bots, maxBots);
  if (bots === undefined) return undefined;
  if (value.game !== undefined && (typeof value.game !== 'string' || !GAME_NAME.test(value.game)))
    return undefined;
  return {
    bots,
    ...(value.game !== undefined ? { game: value.game as string } : {}),
    ...(value.options !== undefined ? { options: value.options } : {}),
  };
}

export type ClientMessage =
  | { type: 'join'; roomId: string; options: JoinOptions }
  | { type: 'input'; seq: number; input: unknown }
  | { type: 'leave' }
  | { type: 'ping'; clientTime: number }
  /** `party`: the other players (each must have sent party_accept for this leader first). */
  | { type: 'queue'; queue: string; party: string[] }
  | { type: 'party_accept'; leader: string }
  /** Takes back a party_accept: this leader can no longer queue this player. */
  | { type: 'party_withdraw'; leader: string }
  /** `query` is validated by shared/rankings/leaderboard-query.ts; the answer echoes requestId. */
  | { type: 'leaderboard'; requestId: number; query: unknown }
  | { type: 'cancel_queue' };

export function encodeClientMessage(msg: ClientMessage): Uint8Array {
  switch (msg.type) {
    case 'join':
      return encodeFrame([ClientType.JoinRoom, msg.roomId, joinOptionsOnWire(msg.options)]);
    case 'input':
      return encodeFrame([ClientType.Input, msg.seq, msg.input]);
    case 'leave':
      return encodeFrame([ClientType.LeaveRoom]);
    case 'ping':
      return encodeFrame([ClientType.Ping, msg.clientTime]);
    case 'queue':
      return encodeFrame([ClientType.Queue, msg.queue, msg.party]);
    case 'party_accept':
      return encodeFrame([ClientType.PartyAccept, msg.leader]);
    case 'party_withdraw':
      return encodeFrame([ClientType.PartyWithdraw, msg.leader]);
    case 'leaderboard':
      return encodeFrame([ClientType.Leaderboard, msg.requestId, msg.query]);
    case 'cancel_queue':
      return encodeFrame([ClientType.CancelQueue]);
  }
}

export type Parsed<T> = { ok: true; msg: T } | { ok: false; code: ErrorCode; message: string };

function bad(code: ErrorCode, message: string): Parsed<never> {
  return { ok: false, code, message };
}

/**
 * Parses a client frame. Never throws: anything malformed, of an unknown type or with bad
 * fields comes back as an error code and a message fit to send to the client.
 */
export function parseClientMessage(bytes: Uint8Array): Parsed<ClientMessage> {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) return bad(ErrorCode.BadFrame, decoded.reason);
  const [type, a, b] = decoded.fields;
  switch (type) {
    case ClientType.JoinRoom: {
      const roomId = asId(a);
      const options = parseJoinOptions(b);
      if (!roomId)
        return bad(ErrorCode.BadRequest, 'join: room id must be 1-64 characters of [A-Za-z0-9_.:-]');
      if (!options)
        return bad(
          ErrorCode.BadRequest,
          `join: options.bots must be 0..${MAX_BOTS_PER_ROOM}, options.game 1-64 of [A-Za-z0-9_-]`,
        );
      return { ok: true, msg: { type: 'join', roomId, options } };
    }
    case ClientType.Input: {
      const seq = asUint(a);
      if (seq === undefined)
        return bad(ErrorCode.BadRequest, 'input: seq must be an unsigned 32-bit integer');
      return { ok: true, msg: { type: 'input', seq, input: b } };
    }
    case ClientType.LeaveRoom:
      return { ok: true, msg: { type: 'leave' } };
    case ClientType.Ping: {
      const clientTime = asFiniteNumber(a);
      if (clientTime === undefined) return bad(ErrorCode.BadRequest, 'ping: time must be a finite number');
      return { ok: true, msg: { type: 'ping', clientTime } };
    }
    case ClientType.Queue: {
      const queue = asId(a);
      if (!queue)
        return bad(ErrorCode.BadRequest, 'queue: queue id must be 1-64 characters of [A-Za-z0-9_.:-]');
      const party = b === undefined || b === null ? [] : asIdList(b, MAX_PARTY_MEMBERS);
      if (!party)
        return bad(ErrorCode.BadRequest, `queue: party must list at most ${MAX_PARTY_MEMBERS} player ids`);
      return { ok: true, msg: { type: 'queue', queue, party } };
    }
    case ClientType.PartyAccept: {
      const leader = asId(a);
      if (!leader) return bad(ErrorCode.BadRequest, 'party_accept: leader must be a player id');
      return { ok: true, msg: { type: 'party_accept', leader } };
    }
    case ClientType.PartyWithdraw: {
      const leader = asId(a);
      if (!leader) return bad(ErrorCode.BadRequest, 'party_withdraw: leader must be a player id');
      return { ok: true, msg: { type: 'party_withdraw', leader } };
    }
    case ClientType.CancelQueue:
      return { ok: true, msg: { type: 'cancel_queue' } };
    case ClientType.Leaderboard: {
      const requestId = asUint(a);
      if (requestId === undefined)
        return bad(ErrorCode.BadRequest, 'leaderboard: requestId must be an unsigned integer');
      return { ok: true, msg: { type: 'leaderboard', requestId, query: b } };
    }
    default:
      return bad(ErrorCode.UnknownType, `unknown message type ${String(type)}`);
  }
}
