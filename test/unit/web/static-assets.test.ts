import { describe, expect, it } from 'vitest';
import { negotiateEncoding } from '../../../apps/gateway/accept-encoding.js';
import { contentHash, hashedAssetName, isHashedAssetName } from '../../../shared/web/hashed-asset-names.js';

describe('hashed asset names', () => {
  it('put 8 base32 characters of the content hash before the extension', () => {
    const a = hashedAssetName('favicon.svg', Buffer.from('<svg/>'));
    expect(a).toMatch(/^favicon-[A-Z2-7]{8}\.svg$/);
    expect(hashedAssetName('favicon.svg', Buffer.from('<svg/>'))).toBe(a);
    expect(hashedAssetName('favicon.svg', Buffer.from('<svg />'))).not.toBe(a);
    expect(hashedAssetName('demo.js.map', Buffer.from('x'))).toMatch(/^demo-[A-Z2-7]{8}\.js\.map$/);
    expect(contentHash(Buffer.alloc(0))).toBe('4OYMIQUY'); // SHA-256 of nothing: e3b0c442...
  });

  it('are told apart from fixed names', () => {
    for (const name of ['demo-P4UKV6CO.js', '/demo-P4UKV6CO.js.map', 'favicon-A2YLB43M.svg'])
      expect(isHashedAssetName(name), name).toBe(true);
    for (const name of ['index.html', 'demo.js', 'my-file.js', 'demo-p4ukv6co.js', 'demo-P4UKV6C.js'])
      expect(isHashedAssetName(name), name).toBe(false);
  });
});

describe('negotiateEncoding (Accept-Encoding)', () => {
  const both = ['br', 'gzip'] as const;
  it('prefers brotli, then gzip, among what the client accepts', () => {
    expect(negotiateEncoding('gzip, deflate, br', both)).toBe('br');
    expect(negotiateEncoding('gzip, deflate', both)).toBe('gzip');
    expect(negotiateEncoding('x-gzip', both)).toBe('gzip');
    expect(negotiateEncoding('*', both)).toBe('br');
  });

  it('follows q-values, and q=0 refuses', () => {
    expect(negotiateEncoding('gzip;q=1, br;q=0.5', both)).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.1', both)).toBe('gzip');
    expect(negotiateEncoding('*;q=0', both)).toBe('identity');
    expect(negotiateEncoding('br;q=0, *', both)).toBe('gzip');
    expect(negotiateEncoding('br;q=nonsense', both)).toBe('identity');
  });

  it('falls back to identity with no header, unknown codings, or nothing compressed on hand', () => {
    expect(negotiateEncoding('', both)).toBe('identity');
    expect(negotiateEncoding('deflate, zstd', both)).toBe('identity');
    expect(negotiateEncoding('br, gzip', [])).toBe('identity');
  });
});
