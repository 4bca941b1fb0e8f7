import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebDemo } from '../../apps/web-demo/build.js';
import { ArenaCluster } from '../helpers/arena-cluster.js';

let cluster: ArenaCluster;
const staticDir = mkdtempSync(join(tmpdir(), 'arena-static-'));

beforeAll(async () => {
  await buildWebDemo(staticDir);
  cluster = await ArenaCluster.start({ gateways: 1, roomServers: 0, env: { GATEWAY_STATIC_DIR: staticDir } });
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(staticDir, { recursive: true, force: true });
}, 60_000);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One plain HTTP exchange (node:http: no automatic decompression or caching, unlike fetch). */
function http(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(cluster.httpUrl(0, path), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The files index.html refers to. */
const references = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

describe('the web demo’s static files over HTTP (real gateway, CDN-ready)', () => {
  it('serves index.html at / for revalidation: no-cache, an ETag, 304 while unchanged', async () => {
    const page = await http('/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const etag = page.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]{20,}"$/);
    expect(page.body.toString()).toContain('<canvas id="arena"');
    expect((await http('/index.html')).headers.etag).toBe(etag);

    const revalidated = await http('/', { 'if-none-match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    expect(revalidated.headers.etag).toBe(etag);
    expect(revalidated.headers['cache-control']).toBe('no-cache');
    expect((await http('/', { 'if-none-match': `W/${etag}` })).status).toBe(304);
    expect((await http('/', { 'if-none-match': '"an-older-build"' })).status).toBe(200);
  });

  it('names every asset the page loads after its content, and lets caches keep it for a year', async () => {
    const refs = references((await http('/')).body.toString());
    expect(refs.length).toBe(2); // the favicon and the script
    const types: Record<string, string> = {
      '.js': 'text/javascript; charset=utf-8',
      '.svg': 'image/svg+xml',
      '.map': 'application/json; charset=utf-8',
    };
    const script = refs.find((r) => r.endsWith('.js'))!;
    const map = /sourceMappingURL=(\S+)/.exec((await http(`/${script}`)).body.toString())![1]!;
    for (const ref of [...refs, map]) {
      expect(ref, 'a content-hashed name').toMatch(/-[A-Z2-7]{8}\./);
      const res = await http(`/${ref}`);
      expect(res.status, ref).toBe(200);
      expect(res.headers['cache-control'], ref).toBe(IMMUTABLE);
      expect(res.headers['content-type'], ref).toBe(types[ref.slice(ref.lastIndexOf('.'))]);
      expect(res.headers['x-content-type-options'], ref).toBe('nosniff');
      expect(res.headers.etag, ref).toBeDefined();
    }
  });

  it('sends brotli or gzip when the client accepts it, identity otherwise, and says it varies', async () => {
    const script = references((await http('/')).body.toString()).find((r) => r.endsWith('.js'))!;
    const plain = await http(`/${script}`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toBe('Accept-Encoding');
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length);

    const br = await http(`/${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.body.length).toBeLessThan(plain.body.length / 2);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.headers.etag).not.toBe(plain.headers.etag); // a different representation

    const gz = await http(`/${script}`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

    // The compressed variant's ETag revalidates too (what a CDN sends back).
    expect((await http(`/${script}`, { 'if-none-match': br.headers.etag as string })).status).toBe(304);
    const index = await http('/', { 'accept-encoding': 'br' });
    expect(index.headers['content-encoding']).toBe('br');
    expect(index.headers['cache-control']).toBe('no-cache');
  });

  it('answers HEAD like GET without the body (curl -I)', async () => {
    const script = references((await http('/')).body.toString()).find((r) => r.endsWith('.js'))!;
    const get = await http(`/${script}`);
    const head = await http(`/${script}`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.headers['cache-control']).toBe(IMMUTABLE);
    expect(head.headers.etag).toBe(get.headers.etag);
  });

  it('answers 404 for everything else, including the unhashed names and the old favicon', async () => {
    for (const path of [
      '/demo.js',
      '/favicon.ico',
      '/favicon.svg',
      '/index.html/x',
      '/../package.json',
      '/.env',
    ]) {
      const res = await http(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['cache-control'], path).toBe('no-cache');
    }
    expect((await http('/nope', {}, 'HEAD')).status).toBe(404);
    expect((await http('/', {}, 'POST')).status).toBe(405);
  });
});
