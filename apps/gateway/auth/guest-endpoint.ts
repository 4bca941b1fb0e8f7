import type { HttpResponse } from 'uWebSockets.js';
import { TokenService } from './tokens.js';

const MAX_BODY_BYTES = 1024;

function readBody(res: HttpResponse, limit: number, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.onData((chunk, isLast) => {
    if (size < 0) return;
    size += chunk.byteLength;
    if (size > limit) {
      size = -1;
      done(undefined);
      return;
    }
    chunks.push(Buffer.from(chunk.slice(0)));
    if (isLast) done(Buffer.concat(chunks));
  });
}

function guestName(body: Buffer): string | undefined {
  if (body.length === 0) return '';
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const name = (parsed as { name?: unknown }).name;
    if (name === undefined) return '';
    return typeof name === 'string' && /^[\p{L}\p{N} _.-]{1,24}$/u.test(name) ? name : undefined;
  } catch {
    return undefined;
  }
}

/** POST /auth/guest {"name"?: string} -> {playerId, token, expiresAt}: a development login. */
export function handleGuestLogin(res: HttpResponse, tokens: TokenService): void {
  let aborted = false;
  res.onAborted(() => (aborted = true));
  const reply = (status: string, body: unknown) => {
    if (aborted) return;
    res.cork(() => {
      res
        .writeStatus(status)
        .writeHeader('content-type', 'application/json')
        .writeHeader('access-control-allow-origin', '*')
        .end(JSON.stringify(body));
    });
  };
  readBody(res, MAX_BODY_BYTES, (body) => {
    if (!body) return reply('413 Payload Too Large', { error: `body over ${MAX_BODY_BYTES} bytes` });
    const name = guestName(body);
    if (name === undefined) {
      return reply('400 Bad Request', {
        error: 'body must be JSON {"name": 1-24 letters, digits, space, _ . -}',
      });
    }
    const playerId = TokenService.newGuestId();
    tokens.issue({ playerId, name: name || playerId }).then(
      ({ token, expiresAt }) => reply('200 OK', { playerId, token, expiresAt }),
      () => reply('500 Internal Server Error', { error: 'could not issue a token' }),
    );
  });
}
