import { Packr } from 'msgpackr';
import { decodePlain, PlainDecodeError } from './plain-decoder.js';

/**
 * The one msgpack codec of every Arena frame. Frames are msgpack arrays whose first element
 * is the message type tag, followed by positional fields: compact without shared record
 * structures, and each frame decodes on its own (no stream state to corrupt).
 *
 * Every frame, from a client or from a link peer, is decoded as plain data (plain-decoder.ts):
 * msgpackr's own unpacker honours its extensions (shared references among them), with which
 * a 300-byte frame expanded to 90 MB once re-encoded for a room-server link.
 */
const packr = new Packr({ useRecords: false, variableMapSize: true });

export function encodeFrame(fields: readonly unknown[]): Uint8Array {
  return packr.pack(fields);
}

export type Decoded = { ok: true; fields: unknown[] } | { ok: false; reason: string };

/** Decodes one frame; never throws. A frame must be a non-empty array whose first item is a type tag. */
export function decodeFrame(bytes: Uint8Array): Decoded {
  let value: unknown;
  try {
    value = decodePlain(bytes);
  } catch (err) {
    if (!(err instanceof PlainDecodeError)) throw err;
    return { ok: false, reason: `not plain msgpack: ${err.message}` };
  }
  if (!Array.isArray(value) || value.length === 0 || !Number.isInteger(value[0])) {
    return { ok: false, reason: 'a frame is an array starting with an integer type tag' };
  }
  return { ok: true, fields: value };
}
