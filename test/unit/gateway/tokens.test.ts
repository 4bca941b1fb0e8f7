import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InvalidToken, TokenService } from '../../../apps/gateway/auth/tokens.js';

const secret = 'a-test-secret-that-is-long-enough-123';
const key = new TextEncoder().encode(secret);
const T0 = Date.UTC(2026, 0, 1);

/** Only Date is faked (jose reads the clock through it); promises and timers stay real. */
function at(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
}

describe('TokenService', () => {
  afterEach(() => vi.useRealTimers());

  it('verifies what it issued: a login session with an id and an absolute end', async () => {
    at(T0);
    const tokens = new TokenService(secret, 600, 60);
    const { token, expiresAt } = await tokens.issue({ playerId: 'g-abc', name: 'Ann' });
    const session = await tokens.verify(token);
    expect(session).toEqual({
      playerId: 'g-abc',
      name: 'Ann',
      sessionId: expect.stringMatching(/^[\w-]{16}$/),
      issuedAt: T0 / 1000,
      expiresAt: T0 / 1000 + 600,
      kind: 'login',
    });
    expect(expiresAt).toBe(T0 / 1000 + 600);
    const other = await tokens.verify((await tokens.issue({ playerId: 'g-abc', name: 'Ann' })).token);
    expect(other.sessionId).not.toBe(session.sessionId);
  });

  it('a resume token lives AUTH_RESUME_TTL_S and carries its session on', async () => {
    at(T0);
    const tokens = new TokenService(secret, 600, 60);
    const session = await tokens.verify((await tokens.issue({ playerId: 'g-abc', name: 'Ann' })).token);
    at(T0 + 100_000);
    const resume = await tokens.issueResume(session);
    expect(resume.expiresAt).toBe(T0 / 1000 + 160);
    expect(await tokens.verify(resume.token)).toEqual({ ...session, kind: 'resume' });
    at(T0 + 161_000);
    await expect(tokens.verify(resume.token)).rejects.toThrow('token expired');
  });

  // Regression (issue 19 bug 2): each connect used to hand out a token with the full lifetime,
  // so a client that reconnected now and then never saw its session end.
  it('a session ends at AUTH_TOKEN_TTL_S even when the player reconnected in between', async () => {
    at(T0);
    const tokens = new TokenService(secret, 600, 300);
    let token = (await tokens.issue({ playerId: 'g-abc', name: 'Ann' })).token;
    // Reconnect every 4 minutes with the resume token of the last welcome.
    for (let t = 240; t < 600; t += 240) {
      at(T0 + t * 1000);
      const session = await tokens.verify(token);
      const resume = await tokens.issueResume(session);
      expect(resume.expiresAt).toBeLessThanOrEqual(T0 / 1000 + 600);
      token = resume.token;
    }
    at(T0 + 601_000);
    await expect(tokens.verify(token)).rejects.toThrow('token expired');
  });

  it('refuses a resume token that claims to outlive its session, and a token with no expiry', async () => {
    at(T0);
    const resume = await new SignJWT({ typ: 'resume', sid: 's1', siat: T0 / 1000, sexp: T0 / 1000 + 10 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('g-x')
      .setIssuer('arena')
      .setAudience('arena-gateway')
      .setExpirationTime(T0 / 1000 + 20)
      .sign(key);
    await expect(new TokenService(secret, 60).verify(resume)).rejects.toThrow('token invalid');
    const endless = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('g-x')
      .setIssuer('arena')
      .setAudience('arena-gateway')
      .sign(key);
    await expect(new TokenService(secret, 60).verify(endless)).rejects.toThrow('token invalid');
  });

  it('rejects a token signed with another secret', async () => {
    const forged = await new TokenService('another-secret-that-is-long-enough-456', 60).issue({
      playerId: 'g-x',
      name: 'x',
    });
    await expect(new TokenService(secret, 60).verify(forged.token)).rejects.toThrow(
      new InvalidToken('token invalid'),
    );
  });

  it('rejects an expired token', async () => {
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('g-x')
      .setIssuer('arena')
      .setAudience('arena-gateway')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(key);
    await expect(new TokenService(secret, 60).verify(expired)).rejects.toThrow('token expired');
  });

  it('rejects garbage, empty, oversized and "none"-algorithm tokens', async () => {
    const tokens = new TokenService(secret, 60);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"g-x","iss":"arena","aud":"arena-gateway"}').toString('base64url')}.`;
    for (const bad of ['', 'not.a.jwt', 'x'.repeat(5000), none])
      await expect(tokens.verify(bad)).rejects.toBeInstanceOf(InvalidToken);
  });
});
