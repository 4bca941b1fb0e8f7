/**
 * A msgpack decoder for untrusted bytes that yields plain data only: nil, booleans, numbers,
 * strings, byte arrays, arrays and string-keyed maps (as plain objects). Every extension type
 * is refused (msgpackr's shared references, records, bundled strings, dates, typed arrays,
 * sets, errors, regexps...), so a decoded value is a tree with at most one node per input
 * byte and re-encodes to no more than about twice the input (a 5-byte float32 becomes a
 * 9-byte float64). Nesting is bounded, declared lengths are checked against the bytes left
 * before anything is allocated, strings must be valid UTF-8, and trailing bytes are an error.
 */

/** Deepest array/map nesting a frame may have (client inputs are a few levels at most). */
export const MAX_DECODE_DEPTH = 32;

/** Thrown for every refused frame; carries no stack (any client can make it happen per frame). */
export class PlainDecodeError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly maxDepth: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.remaining) throw new PlainDecodeError('truncated frame');
  }

  private u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }

  private u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos);
    this.pos += 2;
    return v;
  }

  private u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }

  private str(length: number): string {
    this.need(length);
    const start = this.pos;
    this.pos += length;
    try {
      return utf8.decode(this.bytes.subarray(start, start + length));
    } catch {
      throw new PlainDecodeError('string is not valid UTF-8');
    }
  }

  private bin(length: number): Uint8Array {
    this.need(length);
    const start = this.pos;
    this.pos += length;
    // A view, not a copy (a room server's deliver frame is forwarded as is); a plain Uint8Array even from a Buffer.
    return new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + start, length);
  }

  private array(length: number, depth: number): unknown[] {
    // Every item takes at least one byte: a larger declared length is a lie, refused before allocating.
    if (length > this.remaining) throw new PlainDecodeError('array longer than the frame');
    const out = new Array<unknown>(length);
    for (let i = 0; i < length; i++) out[i] = this.value(depth + 1);
    return out;
  }

  private map(length: number, depth: number): Record<string, unknown> {
    if (length * 2 > this.remaining) throw new PlainDecodeError('map longer than the frame');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < length; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== 'string' && typeof key !== 'number')
        throw new PlainDecodeError('map keys must be strings or numbers');
      const name = String(key);
      const value = this.value(depth + 1);
      // A "__proto__" key is data, never the object's prototype.
      if (name === '__proto__')
        Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
      else out[name] = value;
    }
    return out;
  }

  value(depth: number): unknown {
    if (depth > this.maxDepth) throw new PlainDecodeError(`nested deeper than ${this.maxDepth}`);
    const t = this.u8();
    if (t <= 0x7f) return t;
    if (t <= 0x8f) return this.map(t & 0x0f, depth);
    if (t <= 0x9f) return this.array(t & 0x0f, depth);
    if (t <= 0xbf) return this.str(t & 0x1f);
    if (t >= 0xe0) return t - 0x100;
    switch (t) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.bin(this.u8());
      case 0xc5:
        return this.bin(this.u16());
      case 0xc6:
        return this.bin(this.u32());
      case 0xca: {
        this.need(4);
        const v = this.view.getFloat32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xcb: {
        this.need(8);
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case 0xcc:
        return this.u8();
      case 0xcd:
        return this.u16();
      case 0xce:
        return this.u32();
      case 0xcf: {
        const hi = this.u32();
        return hi * 0x100000000 + this.u32();
      }
      case 0xd0: {
        const v = this.u8();
        return v >= 0x80 ? v - 0x100 : v;
      }
      case 0xd1: {
        const v = this.u16();
        return v >= 0x8000 ? v - 0x10000 : v;
      }
      case 0xd2: {
        this.need(4);
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return v;
      }
      case 0xd3: {
        this.need(8);
        const v = this.view.getInt32(this.pos) * 0x100000000 + this.view.getUint32(this.pos + 4);
        this.pos += 8;
        return v;
      }
      case 0xd9:
        return this.str(this.u8());
      case 0xda:
        return this.str(this.u16());
      case 0xdb:
        return this.str(this.u32());
      case 0xdc:
        return this.array(this.u16(), depth);
      case 0xdd:
        return this.array(this.u32(), depth);
      case 0xde:
        return this.map(this.u16(), depth);
      case 0xdf:
        return this.map(this.u32(), depth);
      default:
        // 0xc1 (never used) and every extension type: 0xc7-0xc9 and 0xd4-0xd8.
        throw new PlainDecodeError(`type 0x${t.toString(16)} is not plain data (extensions are refused)`);
    }
  }
}

/** Decodes one complete msgpack value of plain data; throws PlainDecodeError on anything else. */
export function decodePlain(bytes: Uint8Array, maxDepth = MAX_DECODE_DEPTH): unknown {
  const reader = new Reader(bytes, maxDepth);
  const value = reader.value(0);
  if (reader.remaining !== 0) throw new PlainDecodeError(`${reader.remaining} bytes after the value`);
  return value;
}
