import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ClientType,
  CloseCode,
  decodeFrame,
  ErrorCode,
  parseClientMessage,
  parseServerMessage,
  PROTOCOL_VERSION,
  ServerType,
} from '../../../shared/protocol/index.js';
import { MAX_BOTS_PER_ROOM, MAX_PARTY_MEMBERS } from '../../../shared/protocol/client-messages.js';
import { MAX_DECODE_DEPTH } from '../../../shared/protocol/plain-decoder.js';
import { MAX_FRIENDS, MAX_OFFSET, MAX_PAGE, MAX_RADIUS } from '../../../shared/rankings/leaderboard-query.js';

/**
 * docs/protocol.md against the code: every message type, error code and close code that
 * shared/protocol defines is documented (the lists come from the code, so a new one without
 * documentation fails here), each message's documented fields are the codec's, in wire order
 * (checked on the test vectors' frames), and the worked examples are real test vectors.
 */
const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');
const lines = doc.split('\n');

interface Vector {
  message: { type: string };
  hex: string;
}
const vectors = JSON.parse(
  readFileSync(new URL('../../../shared/protocol/test-vectors.json', import.meta.url), 'utf8'),
) as { protocolVersion: number; client: Vector[]; server: Vector[] };

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const tagOf = (hex: string) => {
  const decoded = decodeFrame(bytes(hex));
  if (!decoded.ok) throw new Error(`vector ${hex} does not decode: ${decoded.reason}`);
  return decoded.fields[0] as number;
};

/** The wire name of each type tag, as the codec itself reads the vectors' frames. */
function wireNames(list: Vector[], parse: (b: Uint8Array) => { type: string } | undefined) {
  const names = new Map<number, string>();
  for (const v of list) {
    const msg = parse(bytes(v.hex));
    if (msg) names.set(tagOf(v.hex), msg.type);
  }
  return names;
}
const clientNames = wireNames(vectors.client, (b) => {
  const parsed = parseClientMessage(b);
  return parsed.ok ? parsed.msg : undefined;
});
const serverNames = wireNames(vectors.server, parseServerMessage);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A "### `name` — type N (`Constant`)" heading: the message's own section. */
function hasSection(wire: string, tag: number, constant: string): boolean {
  const heading = new RegExp(`^### \`${escape(wire)}\` — type ${tag} \\(\`${escape(constant)}\`\\)$`);
  return lines.some((l) => heading.test(l));
}

/** A table row that starts with these cells (markdown table, any padding). */
function hasRow(...cells: string[]): boolean {
  const row = new RegExp(`^\\|\\s*${cells.map(escape).join('\\s*\\|\\s*')}\\s*\\|`);
  return lines.some((l) => row.test(l));
}

describe('docs/protocol.md', () => {
  it.each(Object.entries(ClientType))('documents client message %s (%i)', (constant, tag) => {
    const wire = clientNames.get(tag);
    expect(wire, `no test vector for ClientType.${constant}: its wire name is unknown`).toBeDefined();
    expect(
      hasSection(wire!, tag, constant),
      `a "### \`${wire}\` — type ${tag} (\`${constant}\`)" section`,
    ).toBe(true);
    expect(hasRow(String(tag), `\`${wire}\` (\`${constant}\`)`), 'a row in the client message table').toBe(
      true,
    );
  });

  it.each(Object.entries(ServerType))('documents server message %s (%i)', (constant, tag) => {
    const wire = serverNames.get(tag);
    expect(wire, `no test vector for ServerType.${constant}: its wire name is unknown`).toBeDefined();
    expect(
      hasSection(wire!, tag, constant),
      `a "### \`${wire}\` — type ${tag} (\`${constant}\`)" section`,
    ).toBe(true);
    expect(hasRow(String(tag), `\`${wire}\` (\`${constant}\`)`), 'a row in the server message table').toBe(
      true,
    );
  });

  it.each(Object.values(ErrorCode))('documents error code %s', (code) => {
    expect(hasRow(`\`${code}\``), `a row for \`${code}\` in the error code table`).toBe(true);
  });

  it.each(Object.entries(CloseCode))('documents close code %s (%i)', (name, code) => {
    expect(
      hasRow(String(code), `\`${name}\``),
      `a row "| ${code} | \`${name}\` |" in the close code table`,
    ).toBe(true);
  });

  it('documents no message type, error code or close code that the code does not have', () => {
    const tags = new Set<number>([...Object.values(ClientType), ...Object.values(ServerType)]);
    for (const m of doc.matchAll(/^### `[a-z_]+` — type (\d+) /gm)) expect(tags).toContain(Number(m[1]));
    const closeCodes = new Set<number>(Object.values(CloseCode));
    const section = doc.slice(doc.indexOf('## Close codes'), doc.indexOf('## The room state model'));
    for (const m of section.matchAll(/^\| (\d{4}) \|/gm)) expect(closeCodes).toContain(Number(m[1]));
    const codes = new Set<string>(Object.values(ErrorCode));
    const errors = doc.slice(doc.indexOf('## Error codes'), doc.indexOf('## Close codes'));
    for (const m of errors.matchAll(/^\| `([a-z_]+)`/gm)) expect(codes).toContain(m[1]);
  });

  it('gives each message its fields in wire order', () => {
    for (const v of [...vectors.client, ...vectors.server]) {
      if ((v as { decodeOnly?: boolean }).decodeOnly) continue;
      const { type, ...fields } = v.message as Record<string, unknown>;
      const names = Object.keys(fields);
      // The vector's keys are in wire order: each one's value sits at its position in the frame.
      const decoded = decodeFrame(bytes(v.hex));
      if (!decoded.ok) throw new Error(decoded.reason);
      names.forEach((name, i) => {
        const value = fields[name];
        const isBin = typeof value === 'object' && value !== null && '$bin' in value;
        if (!isBin)
          expect(decoded.fields[i + 1], `${String(type)}.${name} at position ${i + 1}`).toEqual(value);
      });
      const tag = tagOf(v.hex);
      const start = lines.findIndex((l) => l.startsWith(`### \`${String(type)}\` — type ${tag} `));
      expect(start, `section of ${String(type)}`).toBeGreaterThanOrEqual(0);
      const end = lines.findIndex((l, i) => i > start && l.startsWith('#'));
      const section = lines.slice(start, end).join('\n');
      const signature = new RegExp(`\`\\[${tag}((?:, [A-Za-z]+\\??)*)\\]\``).exec(section);
      expect(signature, `a \`[${tag}, ...]\` signature in the ${String(type)} section`).not.toBeNull();
      const documented = signature![1]!
        .split(', ')
        .filter(Boolean)
        .map((f) => f.replace(/\?$/, ''));
      expect(documented, `fields of ${String(type)}`).toEqual(names);
    }
  });

  it('gives worked examples that are exact test vectors', () => {
    const known = new Set([...vectors.client, ...vectors.server].map((v) => v.hex));
    const examples = [...doc.matchAll(/^```hex\n([^`]+)```$/gm)].map((m) => m[1]!.replace(/\s+/g, ''));
    expect(examples.length).toBeGreaterThanOrEqual(5);
    for (const hex of examples) expect(known, `worked example ${hex} is not a vector`).toContain(hex);
  });

  it('states the protocol version and the limits the parsers enforce', () => {
    expect(vectors.protocolVersion).toBe(PROTOCOL_VERSION);
    expect(doc).toContain(`# The Arena wire protocol (version ${PROTOCOL_VERSION})`);
    expect(hasRow('bots per join (`MAX_BOTS_PER_ROOM`)', String(MAX_BOTS_PER_ROOM))).toBe(true);
    expect(doc).toMatch(
      new RegExp(
        `\\| party members besides the leader \\(\`MAX_PARTY_MEMBERS\`\\)\\s*\\| ${MAX_PARTY_MEMBERS}\\b`,
      ),
    );
    expect(hasRow('MessagePack nesting (`MAX_DECODE_DEPTH`)', String(MAX_DECODE_DEPTH))).toBe(true);
    expect(hasRow('leaderboard page (`MAX_PAGE`)', String(MAX_PAGE))).toBe(true);
    expect(hasRow('leaderboard offset (`MAX_OFFSET`)', MAX_OFFSET.toLocaleString('en-US'))).toBe(true);
    expect(hasRow('around-me radius (`MAX_RADIUS`)', String(MAX_RADIUS))).toBe(true);
    expect(hasRow('friends list (`MAX_FRIENDS`)', String(MAX_FRIENDS))).toBe(true);
  });

  it('is linked from the README and the C# SDK README', () => {
    for (const readme of ['../../../README.md', '../../../sdks/csharp/README.md']) {
      const text = readFileSync(new URL(readme, import.meta.url), 'utf8');
      expect(text, readme).toMatch(/\]\((\.\.\/\.\.\/)?docs\/protocol\.md\)/);
    }
  });
});
