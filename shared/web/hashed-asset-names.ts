/**
 * How static assets are named after their content: `name-HASH.ext`, HASH being 8 characters
 * of base32 (the form esbuild writes for `[name]-[hash]`, and the one the web-demo build uses
 * for the files it copies). The build writes these names; the gateway serves files so named
 * as immutable (a new content gets a new name), everything else as revalidate-every-time.
 *
 *   hashedAssetName('favicon.svg', bytes) -> 'favicon-3KQ7ZK2M.svg'
 *   isHashedAssetName('demo-3KQ7ZK2M.js.map') -> true
 */
import { createHash } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HASHED = /-[A-Z2-7]{8}\.[^/]+$/;

/** True for a file name (or URL path) that carries a content hash. */
export function isHashedAssetName(path: string): boolean {
  return HASHED.test(path);
}

/** 8 base32 characters of the SHA-256 of `content` (40 bits: collisions are not a concern here). */
export function contentHash(content: Uint8Array): string {
  const digest = createHash('sha256').update(content).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1; // keep only the bits not yet written
    if (out.length === 8) break;
  }
  return out;
}

/** `favicon.svg` -> `favicon-<hash>.svg` (the hash goes before the first dot of the name). */
export function hashedAssetName(name: string, content: Uint8Array): string {
  const dot = name.indexOf('.');
  const stem = dot < 0 ? name : name.slice(0, dot);
  const ext = dot < 0 ? '' : name.slice(dot);
  return `${stem}-${contentHash(content)}${ext}`;
}
