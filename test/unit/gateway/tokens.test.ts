import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { InvalidToken, TokenService } from '../../../apps/gateway/auth/tokens.js';

const secret = 'a-test-secret-that-is-long-enough-123';

describe('TokenService', () => {
  it('verifies what it issued', async () => {
    const tokens = new TokenService(secret, 60);
    const { token } = await tokens.issue({ playerId: 'g-abc', name: 'Ann' });
    expect(await tokens.verify(token)).toEqual({ playerId: 'g-abc', name: 'Ann' });
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
      .sign(new TextEncoder().encode(secret));
    await expect(new TokenService(secret, 60).verify(expired)).rejects.toThrow('token expired');
  });

  it('rejects garbage, empty, oversized and "none"-algorithm tokens', async () => {
    const tokens = new TokenService(secret, 60);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"g-x","iss":"arena","aud":"arena-gateway"}').toString('base64url')}.`;
    for (const bad of ['', 'not.a.jwt', 'x'.repeat(5000), none])
      await expect(tokens.verify(bad)).rejects.toBeInstanceOf(InvalidToken);
  });
});
