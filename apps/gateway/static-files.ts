/**
 * The web demo's static files, served CDN-ready by the gateway:
 *
 *   loadStaticFiles(dir)                    -> StaticFiles (read once at start)
 *   serveStaticFile(files, res, req, head)  answers GET/HEAD for one path
 *
 * - Files named after their content (name-HASH.ext, see shared/web/hashed-asset-names.ts):
 *   `Cache-Control: public, max-age=31536000, immutable` (a new build has new names).
 * - Everything else (index.html, also at /): `no-cache`, so browsers and CDNs revalidate
 *   every time; the ETag makes that a 304 without a body while nothing changed.
 * - gzip and brotli variants are compressed once at load, sent when the client accepts them
 *   (`Vary: Accept-Encoding`, an ETag per variant).
 * - Paths not in the directory: 404. Requests are answered only from this in-memory map, so
 *   no request path ever reaches the filesystem (no traversal).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import type { HttpRequest, HttpResponse } from 'uWebSockets.js';
import { isHashedAssetName } from '../../shared/web/hashed-asset-names.js';
import { negotiateEncoding, type ContentEncoding } from './accept-encoding.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};
/** Types worth compressing (images and fonts above are compressed already). */
const COMPRESSIBLE = /^(text\/|application\/(json|manifest\+json|wasm)|image\/svg\+xml|image\/x-icon)/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export interface StaticFile {
  readonly type: string;
  readonly cacheControl: string;
  /** Quoted strong ETag of the identity body; variants append -br / -gzip inside the quotes. */
  readonly etag: string;
  readonly body: Buffer;
  /** Compressed variants, only those smaller than the body. */
  readonly encoded: ReadonlyMap<ContentEncoding, Buffer>;
}

export type StaticFiles = ReadonlyMap<string, StaticFile>;

function staticFile(path: string, body: Buffer): StaticFile {
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const encoded = new Map<ContentEncoding, Buffer>();
  if (COMPRESSIBLE.test(type)) {
    const br = brotliCompressSync(body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    const gz = gzipSync(body, { level: 9 });
    if (br.length < body.length) encoded.set('br', br);
    if (gz.length < body.length) encoded.set('gzip', gz);
  }
  return {
    type,
    cacheControl: isHashedAssetName(path) ? IMMUTABLE : REVALIDATE,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
    body,
    encoded,
  };
}

/** Loads a directory into memory once (dot files skipped); index.html is also served at /. */
export function loadStaticFiles(dir: string): StaticFiles {
  const files = new Map<string, StaticFile>();
  if (!dir || !existsSync(dir)) return files;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else {
        const urlPath = `/${relative(dir, path).split('\\').join('/')}`;
        files.set(urlPath, staticFile(urlPath, readFileSync(path)));
      }
    }
  };
  walk(dir);
  const index = files.get('/index.html');
  if (index) files.set('/', index);
  return files;
}

const variantTag = (file: StaticFile, encoding: ContentEncoding | 'identity') =>
  encoding === 'identity' ? file.etag : `${file.etag.slice(0, -1)}-${encoding}"`;

/** If-None-Match names this file in any of its encodings (weak comparison, RFC 9110 §13.1.2). */
function notModified(file: StaticFile, ifNoneMatch: string): boolean {
  if (!ifNoneMatch) return false;
  const base = file.etag.slice(1, -1);
  return ifNoneMatch.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    if (tag === '*') return true;
    return tag.replace(/^"|"$/g, '').replace(/-(br|gzip)$/, '') === base;
  });
}

/**
 * HEAD: the GET's headers, no body. (This uWS build aborts the process when a handler calls
 * endWithoutBody(length); the length goes in as a header instead.)
 */
function endHead(res: HttpResponse, length: number): void {
  res.writeHeader('content-length', String(length)).endWithoutBody();
}

/** Answers a GET (or HEAD) from the map; must run synchronously inside the uWS handler. */
export function serveStaticFile(
  files: StaticFiles,
  res: HttpResponse,
  req: HttpRequest,
  head: boolean,
): void {
  const file = files.get(req.getUrl());
  if (!file) {
    res.writeStatus('404 Not Found').writeHeader('cache-control', REVALIDATE);
    if (head) endHead(res, 9);
    else res.end('not found');
    return;
  }
  const encoding = negotiateEncoding(req.getHeader('accept-encoding'), [...file.encoded.keys()]);
  const validators = (r: HttpResponse) => {
    r.writeHeader('etag', variantTag(file, encoding)).writeHeader('cache-control', file.cacheControl);
    if (file.encoded.size > 0) r.writeHeader('vary', 'Accept-Encoding');
  };
  if (notModified(file, req.getHeader('if-none-match'))) {
    res.writeStatus('304 Not Modified');
    validators(res);
    res.endWithoutBody();
    return;
  }
  const body = encoding === 'identity' ? file.body : file.encoded.get(encoding)!;
  res.writeHeader('content-type', file.type).writeHeader('x-content-type-options', 'nosniff');
  validators(res);
  if (encoding !== 'identity') res.writeHeader('content-encoding', encoding);
  if (head) endHead(res, body.length);
  else res.end(body);
}
