/**
 * Content negotiation for the static files: which of the encodings a file has on hand the
 * client accepts, by its Accept-Encoding header (RFC 9110 §12.5.3: q-values, `*`, q=0 refuses).
 *
 *   negotiateEncoding('gzip, deflate, br', ['br', 'gzip']) -> 'br'
 *   negotiateEncoding('gzip;q=1, br;q=0.5', ['br', 'gzip']) -> 'gzip'
 *   negotiateEncoding('', ['br', 'gzip']) -> 'identity'
 */

export type ContentEncoding = 'br' | 'gzip';

/** The accepted encoding with the highest q (ties: the server's order of preference), or identity. */
export function negotiateEncoding(
  header: string,
  available: readonly ContentEncoding[],
): ContentEncoding | 'identity' {
  const q = new Map<string, number>();
  for (const part of header.toLowerCase().split(',')) {
    const [token, ...params] = part.split(';').map((s) => s.trim());
    if (!token) continue;
    const qParam = params.find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(token === 'x-gzip' ? 'gzip' : token, Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0);
  }
  let best: ContentEncoding | 'identity' = 'identity';
  let bestQ = 0;
  for (const encoding of available) {
    const weight = q.get(encoding) ?? q.get('*') ?? 0;
    if (weight > bestQ) {
      best = encoding;
      bestQ = weight;
    }
  }
  return best;
}
