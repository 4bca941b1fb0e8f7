import type { Redis } from 'ioredis';
import type { RealtimeKeys } from '../redis/keys.js';

/** The part of a verified session that revocation looks at. */
export interface RevocableSession {
  playerId: string;
  sessionId: string;
  /** Login time, unix seconds. */
  issuedAt: number;
}

/**
 * The revocation list, in Redis, checked by every gateway at connect: a player (every session
 * that began at or before the revocation) or one login session (its `jti`). Each entry expires
 * once no token it covers can still be valid, so the list stays as small as the live sessions.
 */
export class Revocations {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Pick<RealtimeKeys, 'revokedPlayer' | 'revokedSession'>,
    /** The longest a session lives (AUTH_TOKEN_TTL_S): no entry needs to outlive it. */
    private readonly maxSessionS: number,
  ) {}

  /** Ends every session of the player that began up to now (a new login afterwards works). */
  async revokePlayer(playerId: string): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    await this.redis.set(this.keys.revokedPlayer(playerId), String(now), 'EX', this.maxSessionS + 60);
  }

  /** Ends one login session and every resume token of it. */
  async revokeSession(sessionId: string, remainingS = this.maxSessionS): Promise<void> {
    const ttl = Math.max(1, Math.min(remainingS, this.maxSessionS) + 60);
    await this.redis.set(this.keys.revokedSession(sessionId), '1', 'EX', ttl);
  }

  /** Whether the session was revoked; one round trip. Rejects when Redis cannot answer. */
  async isRevoked(session: RevocableSession): Promise<boolean> {
    // A session without an id (a studio token without jti) can be revoked only player-wide.
    const keys = [this.keys.revokedPlayer(session.playerId)];
    if (session.sessionId) keys.push(this.keys.revokedSession(session.sessionId));
    const [playerRevokedAt, sessionRevoked] = await this.redis.mget(...keys);
    if (sessionRevoked !== undefined && sessionRevoked !== null) return true;
    return playerRevokedAt !== null && session.issuedAt <= Number(playerRevokedAt);
  }
}
