import { describe, expect, it } from 'vitest';
import { formatServiceLog, parseServiceLogArgs } from '../../../apps/cli/service-log-query.js';

describe('npm run arena -- logs service <name> ...', () => {
  it('reads the level, the time window, an instance and a limit', () => {
    expect(parseServiceLogArgs(['gateway', '--level', 'error', '--since', '10m'])).toEqual({
      service: 'gateway',
      level: 'error',
      sinceMs: 600_000,
      limit: 1_000,
    });
    expect(
      parseServiceLogArgs(['room-server', '--since', '2h', '--instance', 'rs-a', '--limit', '50']),
    ).toEqual({ service: 'room-server', level: 'info', sinceMs: 7_200_000, instance: 'rs-a', limit: 50 });
    expect(parseServiceLogArgs(['matchmaker'])).toMatchObject({ level: 'info', sinceMs: 900_000 });
  });

  it('says what is wrong with bad arguments', () => {
    expect(parseServiceLogArgs([])).toMatch(/service name/);
    expect(parseServiceLogArgs(['gateway', '--level', 'loud'])).toMatch(/--level is one of/);
    expect(parseServiceLogArgs(['gateway', '--since', '10 minutes'])).toMatch(/--since/);
    expect(parseServiceLogArgs(['gateway', '--since'])).toMatch(/needs a value/);
    expect(parseServiceLogArgs(['gateway', '--limit', '0'])).toMatch(/--limit/);
    expect(parseServiceLogArgs(['gateway', '--colour', 'red'])).toMatch(/unknown option/);
    expect(parseServiceLogArgs(['bad name'])).toMatch(/service name/);
  });

  it('prints one line per log line with its ids and error', () => {
    expect(
      formatServiceLog({
        time: '2026-11-25T20:00:00.000Z',
        level: 'warn',
        instance: 'gw-0',
        msg: 'client flooding: disconnected',
        playerId: 'g-1',
        err: { type: 'Error', message: 'boom' },
      }),
    ).toBe(
      '2026-11-25T20:00:00.000Z  WARN   gw-0  client flooding: disconnected  playerId=g-1  err=Error: boom',
    );
  });
});
