import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors } from 'jose';
import { asId } from '../../../shared/protocol/fields.js';

const ISSUER = 'arena';
const AUDIENCE = 'arena-gateway';

export interface Session {
  playerId: string;
  name: string;
}

export class InvalidToken extends Error {}

/**
 * Signed session tokens (JWT, HS256). A session token admits a player to any gateway; the
 * resume token handed out on connect is one too, freshly dated, so a client that reconnects
 * later (its gateway died, its network dropped) gets back in and back to its seat.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlS: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  static newGuestId(): string {
    return `g-${randomBytes(9).toString('base64url')}`;
  }

  async issue(session: Session): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.ttlS;
    const token = await new SignJWT({ name: session.name })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(session.playerId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The session in a valid token; InvalidToken for a forged, expired or malformed one. */
  async verify(token: string): Promise<Session> {
    if (token.length === 0 || token.length > 4096) throw new InvalidToken('missing or oversized token');
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      });
      const playerId = asId(payload.sub);
      if (!playerId) throw new InvalidToken('token has no valid subject');
      return { playerId, name: typeof payload.name === 'string' ? payload.name.slice(0, 32) : playerId };
    } catch (err) {
      if (err instanceof InvalidToken) throw err;
      if (err instanceof errors.JWTExpired) throw new InvalidToken('token expired');
      throw new InvalidToken('token invalid');
    }
  }
}
