import fc from 'fast-check';
import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  ClientType,
  encodeClientMessage,
  ErrorCode,
  parseClientMessage,
  type ClientMessage,
} from '../../../shared/protocol/index.js';

describe('client messages', () => {
  it('round-trip through encode and parse', () => {
    const messages: ClientMessage[] = [
      { type: 'join', roomId: 'room-1', options: { bots: 3 } },
      { type: 'input', seq: 42, input: { mx: 0.5, my: -1, tag: true } },
      { type: 'leave' },
      { type: 'ping', clientTime: 1234.5 },
    ];
    for (const msg of messages)
      expect(parseClientMessage(encodeClientMessage(msg))).toEqual({ ok: true, msg });
  });

  it('answers each kind of bad frame with its own error code', () => {
    expect(parseClientMessage(new Uint8Array([0xc1]))).toMatchObject({ ok: false, code: ErrorCode.BadFrame });
    expect(parseClientMessage(pack({ not: 'an array' }))).toMatchObject({
      ok: false,
      code: ErrorCode.BadFrame,
    });
    expect(parseClientMessage(pack([999]))).toMatchObject({ ok: false, code: ErrorCode.UnknownType });
    expect(parseClientMessage(pack([ClientType.JoinRoom, '../../etc']))).toMatchObject({
      code: ErrorCode.BadRequest,
    });
    expect(parseClientMessage(pack([ClientType.JoinRoom, 'r', { bots: 50 }]))).toMatchObject({
      code: ErrorCode.BadRequest,
    });
    expect(parseClientMessage(pack([ClientType.Input, -1, {}]))).toMatchObject({
      code: ErrorCode.BadRequest,
    });
    expect(parseClientMessage(pack([ClientType.Ping, 'now']))).toMatchObject({ code: ErrorCode.BadRequest });
  });

  it('never throws on random bytes, and never accepts a non-frame', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const parsed = parseClientMessage(bytes);
        if (parsed.ok) {
          expect([
            'join',
            'input',
            'leave',
            'ping',
            'queue',
            'cancel_queue',
            'party_accept',
            'leaderboard',
          ]).toContain(parsed.msg.type);
        } else expect(Object.values(ErrorCode)).toContain(parsed.code);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never throws on truncated or bit-flipped valid frames', () => {
    const frame = encodeClientMessage({
      type: 'input',
      seq: 7,
      input: { mx: 1, my: 0, tag: false, pad: 'x'.repeat(40) },
    });
    fc.assert(
      fc.property(fc.nat(frame.length), fc.nat(frame.length - 1), fc.nat(255), (cut, at, value) => {
        const mutated = frame.slice(0, cut);
        if (at < mutated.length) mutated[at] = value;
        expect(() => parseClientMessage(mutated)).not.toThrow();
      }),
      { numRuns: 5_000 },
    );
  });

  it('never throws on arbitrary msgpack values', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        let bytes: Uint8Array;
        try {
          bytes = pack(value);
        } catch {
          return; // not encodable; nothing to send
        }
        expect(() => parseClientMessage(bytes)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });
});
