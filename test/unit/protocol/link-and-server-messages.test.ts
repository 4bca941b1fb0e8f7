import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeGatewayToRoom,
  encodeRoomToGateway,
  encodeServerMessage,
  parseGatewayToRoom,
  parseRoomToGateway,
  parseServerMessage,
  type GatewayToRoom,
  type RoomToGateway,
  type ServerMessage,
} from '../../../shared/protocol/index.js';

describe('link messages', () => {
  it('round-trip both directions', () => {
    const toRoom: GatewayToRoom[] = [
      { type: 'hello', gatewayId: 'gw-1', proof: new Uint8Array(32).fill(7) },
      { type: 'join', roomId: 'r1', playerId: 'p1', options: { bots: 2 } },
      { type: 'input', roomId: 'r1', playerId: 'p1', seq: 9, input: { mx: 1 } },
      { type: 'leave', roomId: 'r1', playerId: 'p1' },
      { type: 'disconnected', roomId: 'r1', playerId: 'p1' },
      { type: 'resync', roomId: 'r1', playerId: 'p1' },
    ];
    for (const m of toRoom) expect(parseGatewayToRoom(encodeGatewayToRoom(m))).toEqual(m);
    const toGateway: RoomToGateway[] = [
      { type: 'challenge', nonce: new Uint8Array(32).fill(9) },
      { type: 'deliver', playerIds: ['p1', 'p2'], frame: new Uint8Array([1, 2, 3]) },
      { type: 'seated', roomId: 'r1', playerId: 'p1' },
      { type: 'unseated', roomId: 'r1', playerId: 'p1', reason: 'moved' },
      { type: 'rejected', roomId: 'r1', playerId: 'p1', code: 'room_full', message: 'full' },
    ];
    for (const m of toGateway) {
      const parsed = parseRoomToGateway(encodeRoomToGateway(m));
      expect(parsed).toEqual(m);
    }
  });

  it('parsers never throw on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        expect(() => parseGatewayToRoom(bytes)).not.toThrow();
        expect(() => parseRoomToGateway(bytes)).not.toThrow();
        expect(() => parseServerMessage(bytes)).not.toThrow();
      }),
      { numRuns: 3_000 },
    );
    // 9,000 parses: well under a second alone, several on a loaded 2-core machine.
  }, 30_000);
});

describe('server messages', () => {
  it('round-trip', () => {
    const messages: ServerMessage[] = [
      { type: 'welcome', protocolVersion: 1, playerId: 'p1', gatewayId: 'gw', resumeToken: 't' },
      {
        type: 'joined',
        roomId: 'r',
        you: 'p1',
        tick: 5,
        tickHz: 20,
        entities: { 'p:p1': { k: 'p', x: 1 } },
        resumed: true,
      },
      { type: 'state', roomId: 'r', tick: 6, changed: { a: { x: 2 } }, removed: ['b'], acks: { p1: 3 } },
      { type: 'error', code: 'bad_frame', message: 'nope' },
      { type: 'pong', clientTime: 1, serverTime: 2 },
      { type: 'left', roomId: 'r', reason: 'left' },
    ];
    for (const m of messages) expect(parseServerMessage(encodeServerMessage(m))).toEqual(m);
  });
});
