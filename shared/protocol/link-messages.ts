import { decodeFrame, encodeFrame } from './codec.js';
import { joinOptionsOnWire, parseJoinOptions, type JoinOptions } from './client-messages.js';
import { asId, asIdList, asUint, isPlainObject } from './fields.js';

/**
 * Frames on the link between a gateway and a room server (TCP, length-prefixed). One link
 * carries every player that gateway has in that server's rooms.
 */
export const LinkType = {
  Hello: 1,
  Join: 2,
  Input: 3,
  Leave: 4,
  Disconnected: 5,
  Resync: 6,
  Deliver: 101,
  Seated: 102,
  Unseated: 103,
  Rejected: 104,
  Challenge: 105,
} as const;

/** Size of a link challenge's nonce and of a hello's proof (HMAC-SHA256), bytes. */
export const LINK_NONCE_BYTES = 32;

/** Most players one Deliver frame may address (a room's players on one gateway). */
export const MAX_DELIVER_RECIPIENTS = 1024;

export type GatewayToRoom =
  /** The answer to the room server's challenge: `proof` is link-auth.ts's HMAC over its nonce. */
  | { type: 'hello'; gatewayId: string; proof: Uint8Array }
  | { type: 'join'; roomId: string; playerId: string; options: JoinOptions }
  | { type: 'input'; roomId: string; playerId: string; seq: number; input: unknown }
  | { type: 'leave'; roomId: string; playerId: string }
  /** The player's connection is gone: hold the seat for the grace period. */
  | { type: 'disconnected'; roomId: string; playerId: string }
  /** The gateway dropped state updates for a slow client: send it a full snapshot. */
  | { type: 'resync'; roomId: string; playerId: string };

export type RoomToGateway =
  /** The room server's first frame: a fresh nonce the gateway must answer with its hello. */
  | { type: 'challenge'; nonce: Uint8Array }
  /** An already-encoded client frame for these players. */
  | { type: 'deliver'; playerIds: string[]; frame: Uint8Array }
  | { type: 'seated'; roomId: string; playerId: string }
  /** The player no longer has a seat here: left, timed out, room ended, or seat taken over. */
  | { type: 'unseated'; roomId: string; playerId: string; reason: string }
  | { type: 'rejected'; roomId: string; playerId: string; code: string; message: string };

export function encodeGatewayToRoom(m: GatewayToRoom): Uint8Array {
  switch (m.type) {
    case 'hello':
      return encodeFrame([LinkType.Hello, m.gatewayId, m.proof]);
    case 'join':
      return encodeFrame([LinkType.Join, m.roomId, m.playerId, joinOptionsOnWire(m.options)]);
    case 'input':
      return encodeFrame([LinkType.Input, m.roomId, m.playerId, m.seq, m.input]);
    case 'leave':
      return encodeFrame([LinkType.Leave, m.roomId, m.playerId]);
    case 'disconnected':
      return encodeFrame([LinkType.Disconnected, m.roomId, m.playerId]);
    case 'resync':
      return encodeFrame([LinkType.Resync, m.roomId, m.playerId]);
  }
}

export function encodeRoomToGateway(m: RoomToGateway): Uint8Array {
  switch (m.type) {
    case 'challenge':
      return encodeFrame([LinkType.Challenge, m.nonce]);
    case 'deliver':
      return encodeFrame([LinkType.Deliver, m.playerIds, m.frame]);
    case 'seated':
      return encodeFrame([LinkType.Seated, m.roomId, m.playerId]);
    case 'unseated':
      return encodeFrame([LinkType.Unseated, m.roomId, m.playerId, m.reason]);
    case 'rejected':
      return encodeFrame([LinkType.Rejected, m.roomId, m.playerId, m.code, m.message]);
  }
}

export function parseGatewayToRoom(bytes: Uint8Array): GatewayToRoom | undefined {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) return undefined;
  const [type, a, b, c, d] = decoded.fields;
  const roomId = asId(a);
  const playerId = asId(b);
  switch (type) {
    case LinkType.Hello:
      return roomId && b instanceof Uint8Array && b.length === LINK_NONCE_BYTES
        ? { type: 'hello', gatewayId: roomId, proof: b }
        : undefined;
    case LinkType.Join: {
      const options = isPlainObject(c) ? parseJoinOptions(c, 64) : undefined;
      return roomId && playerId && options ? { type: 'join', roomId, playerId, options } : undefined;
    }
    case LinkType.Input: {
      const seq = asUint(c);
      return roomId && playerId && seq !== undefined
        ? { type: 'input', roomId, playerId, seq, input: d }
        : undefined;
    }
    case LinkType.Leave:
    case LinkType.Disconnected:
    case LinkType.Resync: {
      if (!roomId || !playerId) return undefined;
      const kind =
        type === LinkType.Leave ? 'leave' : type === LinkType.Disconnected ? 'disconnected' : 'resync';
      return { type: kind, roomId, playerId };
    }
    default:
      return undefined;
  }
}

export function parseRoomToGateway(bytes: Uint8Array): RoomToGateway | undefined {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) return undefined;
  const [type, a, b, c, d] = decoded.fields;
  switch (type) {
    case LinkType.Challenge:
      return a instanceof Uint8Array && a.length === LINK_NONCE_BYTES
        ? { type: 'challenge', nonce: a }
        : undefined;
    case LinkType.Deliver: {
      const playerIds = asIdList(a, MAX_DELIVER_RECIPIENTS);
      return playerIds && b instanceof Uint8Array ? { type: 'deliver', playerIds, frame: b } : undefined;
    }
    case LinkType.Seated:
      return asId(a) && asId(b) ? { type: 'seated', roomId: a as string, playerId: b as string } : undefined;
    case LinkType.Unseated:
      return asId(a) && asId(b) && typeof c === 'string'
        ? { type: 'unseated', roomId: a as string, playerId: b as string, reason: c }
        : undefined;
    case LinkType.Rejected:
      return asId(a) && asId(b) && typeof c === 'string' && typeof d === 'string'
        ? { type: 'rejected', roomId: a as string, playerId: b as string, code: c, message: d }
        : undefined;
    default:
      return undefined;
  }
}
