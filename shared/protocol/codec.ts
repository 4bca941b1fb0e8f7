import { Packr, Unpackr } from 'msgpackr';

/**
 * The one msgpack codec of every Arena frame. Frames are msgpack arrays whose first element
 * is the message type tag, followed by positional fields: compact without shared record
 * structures, and each frame decodes on its own (no stream state to corrupt).
 */
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

export function encodeFrame(fields: readonly unknown[]): Uint8Array {
  return packr.pack(fields);
}

export type Decoded = { ok: true; fields: unknown[] } | { ok: false; reason: string };

/** Decodes one frame; never throws. A frame must be a non-empty array whose first item is a type tag. */
export function decodeFrame(bytes: Uint8Array): Decoded {
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch (err) {
    return { ok: false, reason: `not msgpack: ${err instanceof Error ? err.message : 'decode failed'}` };
  }
  if (!Array.isArray(value) || value.length === 0 || !Number.isInteger(value[0])) {
    return { ok: false, reason: 'a frame is an array starting with an integer type tag' };
  }
  return { ok: true, fields: value };
}
