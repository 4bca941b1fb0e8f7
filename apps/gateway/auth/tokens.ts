import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT, errors, type JWTPayload } from 'jose';
import { asId } from '../../../shared/protocol/fields.js';

const ISSUER = 'arena';
const AUDIENCE = 'arena-gateway';
const RESUME = 'resume';

/** Who a token admits, and the login session it belongs to. */
export interface Session {
  playerId: string;
  name: string;
  /**
   * The login session's id: the login token's `jti`, carried on by every resume token of the
   * session (revocable on its own). Empty for a login token without a `jti` (a studio's own
   * login may not set one): such a session can be revoked only player-wide.
   */
  sessionId: string;
  /** Login time, unix seconds (`iat`; 0 if absent): a player-wide revocation ends sessions that began before it. */
  issuedAt: number;
  /** End of the session, unix seconds: the login token's `exp`, which no resume token outlives. */
  expiresAt: number;
  /** Which kind of token admitted the player. */
  kind: 'login' | 'resume';
}

/** What a login names; the rest of a Session is set when its token is issued. */
export interface Login {
  playerId: string;
  name: string;
}

export class InvalidToken extends Error {}

const nowS = () => Math.floor(Date.now() / 1000);

/**
 * Signed tokens (JWT, HS256), two kinds:
 * - a login token (POST /auth/guest or the game's own login) opens a session that ends at its
 *   `exp` (AUTH_TOKEN_TTL_S), whatever happens after;
 * - a resume token, handed out in each `welcome`, lets a client that lost its connection come
 *   back (to any gateway, to its seat) without its login token. It lives AUTH_RESUME_TTL_S and
 *   never past the end of its session, so reconnecting never extends a session.
 */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlS: number,
    private readonly resumeTtlS: number = Math.min(ttlS, 300),
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  static newGuestId(): string {
    return `g-${randomBytes(9).toString('base64url')}`;
  }

  /** A login token: a new session of `ttlS` seconds. */
  async issue(login: Login): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = nowS() + this.ttlS;
    const token = await this.sign({ name: login.name }, login.playerId, expiresAt)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** A resume token for the session: short-lived, and never past the session's own end. */
  async issueResume(session: Session): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.min(nowS() + this.resumeTtlS, session.expiresAt);
    const claims = {
      name: session.name,
      typ: RESUME,
      sid: session.sessionId,
      siat: session.issuedAt,
      sexp: session.expiresAt,
    };
    const token = await this.sign(claims, session.playerId, expiresAt).sign(this.key);
    return { token, expiresAt };
  }

  private sign(claims: JWTPayload, subject: string, expiresAt: number): SignJWT {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt);
  }

  /** The session in a valid token; InvalidToken for a forged, expired, endless or malformed one. */
  async verify(token: string): Promise<Session> {
    if (token.length === 0 || token.length > 4096) throw new InvalidToken('missing or oversized token');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        // A token without an expiry would be a session that never ends.
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new InvalidToken('token expired');
      throw new InvalidToken('token invalid');
    }
    const playerId = asId(payload.sub);
    if (!playerId) throw new InvalidToken('token has no valid subject');
    const name = typeof payload.name === 'string' ? payload.name.slice(0, 32) : playerId;
    const exp = payload.exp!;
    if (payload.typ !== RESUME) {
      return {
        playerId,
        name,
        sessionId: typeof payload.jti === 'string' ? payload.jti.slice(0, 64) : '',
        issuedAt: typeof payload.iat === 'number' ? payload.iat : 0,
        expiresAt: exp,
        kind: 'login',
      };
    }
    const { sid, siat, sexp } = payload;
    if (typeof sid !== 'string' || typeof siat !== 'number' || typeof sexp !== 'number' || exp > sexp)
      throw new InvalidToken('token invalid');
    return { playerId, name, sessionId: sid, issuedAt: siat, expiresAt: sexp, kind: 'resume' };
  }
}
