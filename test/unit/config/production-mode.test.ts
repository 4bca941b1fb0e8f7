import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, KNOWN_WEAK_SECRETS, loadConfig } from '../../../shared/config/index.js';

const strong = () => randomBytes(32).toString('hex');
const problemsOf = (env: Record<string, string>, service: Parameters<typeof loadConfig>[1]) => {
  try {
    loadConfig(env, service);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems;
  }
};

describe('ARENA_ENV=production', () => {
  it('leaves development as it was: default secrets and guest login accepted', () => {
    const config = loadConfig({}, 'gateway');
    expect(config.deployment.env).toBe('development');
    expect(config.auth.guestEnabled).toBe(true);
  });

  it('refuses the default, placeholder, plain and shared secrets, naming each variable', () => {
    const prod = { ARENA_ENV: 'production' };
    expect(problemsOf(prod, 'gateway')).toEqual([
      expect.stringMatching(
        /^AUTH_SECRET is a default or placeholder shipped with Arena: .*openssl rand -hex 32/,
      ),
      expect.stringMatching(/^LINK_SECRET is a default or placeholder shipped with Arena/),
    ]);
    for (const weak of KNOWN_WEAK_SECRETS) {
      expect(problemsOf({ ...prod, AUTH_SECRET: weak, LINK_SECRET: strong() }, 'gateway'), weak).toEqual([
        expect.stringMatching(/^AUTH_SECRET is a default or placeholder/),
      ]);
    }
    expect(
      problemsOf(
        { ...prod, AUTH_SECRET: 'my-own-secret-value-for-the-auth-1234', LINK_SECRET: strong() },
        'gateway',
      ),
    ).toEqual([expect.stringMatching(/^AUTH_SECRET looks like a placeholder/)]);
    expect(problemsOf({ ...prod, AUTH_SECRET: 'ab'.repeat(20), LINK_SECRET: strong() }, 'gateway')).toEqual([
      expect.stringMatching(/^AUTH_SECRET is too plain to be random/),
    ]);
    expect(problemsOf({ ...prod, AUTH_SECRET: 'too-short', LINK_SECRET: strong() }, 'gateway')).toEqual([
      'AUTH_SECRET must be at least 32 characters',
    ]);
    const same = strong();
    expect(problemsOf({ ...prod, AUTH_SECRET: same, LINK_SECRET: same }, 'gateway')).toEqual([
      expect.stringMatching(/^LINK_SECRET must differ from AUTH_SECRET/),
    ]);
  });

  it('checks only the secrets a service uses', () => {
    const prod = { ARENA_ENV: 'production' };
    expect(problemsOf(prod, 'room-server')).toEqual([expect.stringMatching(/^LINK_SECRET /)]);
    expect(problemsOf(prod, 'matchmaker')).toEqual([]);
    expect(problemsOf(prod, 'log-indexer')).toEqual([]);
    expect(problemsOf({ ...prod, AUTH_SECRET: strong(), LINK_SECRET: strong() }, 'gateway')).toEqual([]);
  });

  it('turns guest login off unless AUTH_GUEST_ENABLED says otherwise', () => {
    const env = { ARENA_ENV: 'production', AUTH_SECRET: strong(), LINK_SECRET: strong() };
    expect(loadConfig(env, 'gateway').auth.guestEnabled).toBe(false);
    expect(loadConfig({ ...env, AUTH_GUEST_ENABLED: 'true' }, 'gateway').auth.guestEnabled).toBe(true);
    expect(loadConfig({ ...env, AUTH_GUEST_ENABLED: 'false' }, 'gateway').auth.guestEnabled).toBe(false);
  });

  // Two real processes started through tsx: seconds each on a loaded machine, not a speed check.
  it(
    'stops a gateway and a room server process at start with the variable named',
    { timeout: 120_000 },
    () => {
      const start = (service: string) =>
        spawnSync(process.execPath, ['--import', 'tsx', `apps/${service}/main.ts`], {
          env: { PATH: process.env.PATH, ARENA_ENV: 'production', REDIS_URL: 'redis://127.0.0.1:1' },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const gateway = start('gateway');
      expect(gateway.status).toBe(1);
      expect(gateway.stderr).toContain('Invalid configuration:');
      expect(gateway.stderr).toContain('AUTH_SECRET is a default or placeholder shipped with Arena');
      expect(gateway.stderr).toContain('LINK_SECRET is a default or placeholder shipped with Arena');
      const room = start('room-server');
      expect(room.status).toBe(1);
      expect(room.stderr).toContain('LINK_SECRET is a default or placeholder shipped with Arena');
      expect(room.stderr).not.toContain('AUTH_SECRET');
    },
  );
});
