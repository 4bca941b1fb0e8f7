import fc from 'fast-check';
import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodePlain, MAX_DECODE_DEPTH, PlainDecodeError } from '../../../shared/protocol/plain-decoder.js';
import { maxForwardBytes } from '../../../shared/protocol/forward-bound.js';
import {
  ClientType,
  encodeGatewayToRoom,
  ErrorCode,
  parseClientMessage,
  type ClientMessage,
} from '../../../shared/protocol/index.js';

/** The gateway's default GATEWAY_MAX_FRAME_BYTES. */
const FRAME_LIMIT = 4096;
const LONGEST_ID = 'i'.repeat(64);

/** What the gateway would put on a room-server link for this client message (longest ids). */
function forwarded(msg: ClientMessage): Uint8Array | undefined {
  if (msg.type === 'input')
    return encodeGatewayToRoom({
      type: 'input',
      roomId: LONGEST_ID,
      playerId: LONGEST_ID,
      seq: msg.seq,
      input: msg.input,
    });
  if (msg.type === 'join')
    return encodeGatewayToRoom({
      type: 'join',
      roomId: msg.roomId,
      playerId: LONGEST_ID,
      options: msg.options,
    });
  return undefined;
}

/** An input whose value shares one sub-array `levels` times over: 2^levels leaves once expanded. */
function sharedReferenceFrame(levels: number): Uint8Array {
  let value: unknown = 'x'.repeat(20);
  for (let i = 0; i < levels; i++) value = [value, value];
  return new Packr({ structuredClone: true, useRecords: false }).pack([ClientType.Input, 1, value]);
}

describe('plain msgpack decoding of untrusted frames', () => {
  it('decodes plain data as msgpackr encodes it', () => {
    const value = {
      a: [1, -1, 300, -300, 70000, 2 ** 40, -(2 ** 40), 1.5],
      s: 'é'.repeat(40),
      n: null,
      t: true,
    };
    expect(decodePlain(pack(value))).toEqual(value);
    expect(decodePlain(pack(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('refuses a shared-reference amplification frame (a 300-byte frame that expanded to ~90 MB on the link)', () => {
    const frame = sharedReferenceFrame(22);
    expect(frame.length).toBeLessThan(400);
    const parsed = parseClientMessage(frame);
    expect(parsed).toMatchObject({ ok: false, code: ErrorCode.BadFrame });
    // Had it been accepted, the link frame would be 2^22 strings long: nowhere near the bound.
    if (parsed.ok) expect(forwarded(parsed.msg)!.length).toBeLessThanOrEqual(maxForwardBytes(frame.length));
  });

  it('refuses every msgpackr extension: records, structures, bundled strings, dates, typed arrays, sets', () => {
    const cases: [string, Uint8Array][] = [
      ['records', new Packr({ useRecords: true }).pack([ClientType.Input, 1, [{ a: 1 }, { a: 2 }]])],
      ['shared structures', new Packr({ structures: [] }).pack([ClientType.Input, 1, { a: 1 }])],
      ['bundled strings', new Packr({ bundleStrings: true }).pack([ClientType.Input, 1, 'y'.repeat(40)])],
      ['date', pack([ClientType.Input, 1, new Date(0)])],
      ['typed array', new Packr({ moreTypes: true }).pack([ClientType.Input, 1, new Float64Array([1, 2])])],
      ['set', new Packr({ moreTypes: true }).pack([ClientType.Input, 1, new Set([1, 2])])],
      ['record definition byte', new Uint8Array([0x93, 0x02, 0x01, 0xd4, 0x72, 0x40])],
    ];
    for (const [name, bytes] of cases) {
      expect(() => decodePlain(bytes), name).toThrow(PlainDecodeError);
      expect(parseClientMessage(bytes), name).toMatchObject({ ok: false, code: ErrorCode.BadFrame });
    }
  });

  it('bounds nesting, refuses lengths longer than the frame and bytes after the value', () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_DECODE_DEPTH + 1; i++) deep = [deep];
    expect(() => decodePlain(pack(deep))).toThrow(/nested deeper/);
    let fine: unknown = 1;
    for (let i = 0; i < MAX_DECODE_DEPTH; i++) fine = [fine];
    expect(decodePlain(pack(fine))).toEqual(fine);
    expect(() => decodePlain(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]))).toThrow(
      /longer than the frame/,
    );
    expect(() => decodePlain(new Uint8Array([0xdf, 0x7f, 0xff, 0xff, 0xff, 0, 0]))).toThrow(
      /longer than the frame/,
    );
    expect(() => decodePlain(new Uint8Array([0x91, 0x01, 0x01]))).toThrow(/after the value/);
    expect(() => decodePlain(new Uint8Array([0xa2, 0xc3, 0x28]))).toThrow(/UTF-8/);
  });

  it('keeps a "__proto__" key as data, never as the prototype', () => {
    const bytes = new Uint8Array([
      0x81,
      0xa9,
      ...new TextEncoder().encode('__proto__'),
      0x81,
      0xa1,
      0x78,
      0x01,
    ]);
    const value = decodePlain(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect((value as { x?: unknown }).x).toBeUndefined();
  });

  it('forwards at most twice a client frame plus the link overhead, for random and adversarial frames up to the limit', () => {
    const adversarial = fc.oneof(
      fc.uint8Array({ maxLength: FRAME_LIMIT }),
      fc.anything({ maxDepth: 6 }).map((input) => {
        try {
          return new Packr({ structuredClone: true, useRecords: false, moreTypes: true }).pack([
            ClientType.Input,
            0,
            input,
          ]);
        } catch {
          return new Uint8Array();
        }
      }),
      // Float32 everywhere: the one plain type that grows when re-encoded (5 -> 9 bytes).
      fc
        .array(fc.float({ noNaN: true }), { maxLength: 800 })
        .map((xs) => new Packr({ useFloat32: 1 }).pack([ClientType.Input, 0, xs])),
      fc.integer({ min: 1, max: 30 }).map(sharedReferenceFrame),
      fc
        .array(fc.constantFrom(0x90, 0x91, 0x81, 0xa0, 0xc0, 0xca, 0xd4, 0xc7, 0x69, 0x70, 0x72), {
          maxLength: FRAME_LIMIT,
        })
        .map((tail) => new Uint8Array([0x93, ClientType.Input, 0x00, ...tail])),
    );
    let forwardedCount = 0;
    fc.assert(
      fc.property(adversarial, (frame) => {
        fc.pre(frame.length > 0 && frame.length <= FRAME_LIMIT);
        const parsed = parseClientMessage(frame);
        if (!parsed.ok) return;
        const link = forwarded(parsed.msg);
        if (!link) return;
        forwardedCount++;
        expect(link.length).toBeLessThanOrEqual(maxForwardBytes(frame.length));
      }),
      { numRuns: 3_000 },
    );
    expect(forwardedCount).toBeGreaterThan(100); // the bound was checked on real forwards, not vacuously
  });
});
