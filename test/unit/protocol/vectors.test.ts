import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ClientType,
  decodeFrame,
  encodeClientMessage,
  encodeServerMessage,
  ErrorCode,
  parseClientMessage,
  parseServerMessage,
  PROTOCOL_VERSION,
  ServerType,
  type ClientMessage,
  type ServerMessage,
} from '../../../shared/protocol/index.js';

/**
 * The shared test vectors (shared/protocol/test-vectors.json) against the TypeScript codec:
 * every valid frame encodes to its exact bytes and decodes back to its message, every invalid
 * frame gets its error, and every message type of the codec has a vector. Other SDKs check
 * the same file (sdks/csharp/tests/Arena.Client.Tests/VectorTests.cs).
 */
interface Vector {
  name: string;
  message: Record<string, unknown> & { type: string };
  hex: string;
  decodeOnly?: boolean;
}
interface InvalidVector {
  name: string;
  direction: 'client' | 'server';
  hex: string;
  error: string;
}
interface VectorFile {
  format: number;
  protocolVersion: number;
  client: Vector[];
  server: Vector[];
  invalid: InvalidVector[];
}

const file = JSON.parse(
  readFileSync(new URL('../../../shared/protocol/test-vectors.json', import.meta.url), 'utf8'),
) as VectorFile;

const bytesOf = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The file's notation to codec values: {"$bin": hex} becomes bytes. */
function fromNotation(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromNotation);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o.$bin === 'string') return bytesOf(o.$bin);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromNotation(x)]));
  }
  return v;
}

/** Decoded values to the file's notation: bytes become {"$bin": hex}. */
function toNotation(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $bin: hexOf(v) };
  if (Array.isArray(v)) return v.map(toNotation);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toNotation(x)]));
  return v;
}

/** What a client reports for a server frame: the codec's verdict in the vector file's terms. */
function serverFrameError(bytes: Uint8Array): string | undefined {
  const decoded = decodeFrame(bytes);
  if (!decoded.ok) return ErrorCode.BadFrame;
  if (!(Object.values(ServerType) as unknown[]).includes(decoded.fields[0])) return ErrorCode.UnknownType;
  return parseServerMessage(bytes) ? undefined : ErrorCode.BadRequest;
}

describe('protocol test vectors: the file', () => {
  it('is for this protocol version, with unique names and lowercase hex', () => {
    expect(file.format).toBe(1);
    expect(file.protocolVersion).toBe(PROTOCOL_VERSION);
    for (const list of [file.client, file.server, file.invalid] as (Vector | InvalidVector)[][]) {
      const names = list.map((v) => ('direction' in v ? `${v.direction}: ${v.name}` : v.name));
      expect(new Set(names).size, 'vector names are unique').toBe(names.length);
      for (const v of list) expect(v.hex, v.name).toMatch(/^([0-9a-f]{2})*$/);
    }
    const codes = new Set<string>(Object.values(ErrorCode));
    for (const v of file.invalid) expect(codes.has(v.error), `${v.name}: ${v.error}`).toBe(true);
  });

  it('has a canonical vector for every message type of the codec', () => {
    const tagsOf = (vectors: Vector[]) =>
      new Set(
        vectors
          .filter((v) => !v.decodeOnly)
          .map((v) => (decodeFrame(bytesOf(v.hex)) as { fields: unknown[] }).fields[0]),
      );
    const clientTags = tagsOf(file.client);
    const serverTags = tagsOf(file.server);
    for (const [name, tag] of Object.entries(ClientType))
      expect(clientTags.has(tag), `ClientType.${name} (${tag}) has no vector`).toBe(true);
    for (const [name, tag] of Object.entries(ServerType))
      expect(serverTags.has(tag), `ServerType.${name} (${tag}) has no vector`).toBe(true);
  });
});

describe('protocol test vectors: client frames', () => {
  for (const v of file.client) {
    it(v.name, () => {
      if (!v.decodeOnly) {
        const encoded = hexOf(encodeClientMessage(fromNotation(v.message) as ClientMessage));
        expect(encoded, `the codec encodes "${v.name}" differently`).toBe(v.hex);
      }
      const parsed = parseClientMessage(bytesOf(v.hex));
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true);
      if (parsed.ok) expect(toNotation(parsed.msg)).toEqual(v.message);
    });
  }
});

describe('protocol test vectors: server frames', () => {
  for (const v of file.server) {
    it(v.name, () => {
      if (!v.decodeOnly) {
        const encoded = hexOf(encodeServerMessage(fromNotation(v.message) as ServerMessage));
        expect(encoded, `the codec encodes "${v.name}" differently`).toBe(v.hex);
      }
      expect(toNotation(parseServerMessage(bytesOf(v.hex)))).toEqual(v.message);
    });
  }
});

describe('protocol test vectors: invalid frames', () => {
  for (const v of file.invalid) {
    it(`${v.direction}: ${v.name} -> ${v.error}`, () => {
      const bytes = bytesOf(v.hex);
      if (v.direction === 'client') {
        expect(parseClientMessage(bytes)).toMatchObject({ ok: false, code: v.error });
      } else {
        expect(serverFrameError(bytes)).toBe(v.error);
      }
    });
  }
});
