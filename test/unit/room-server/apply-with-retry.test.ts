import { describe, expect, it } from 'vitest';
import { applyWithRetry } from '../../../apps/room-server/apply-with-retry.js';
import type { Logger } from '../../../shared/log/logger.js';

function recordingLog() {
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const at =
    (level: string) =>
    (fields: Record<string, unknown>, msg: string): void =>
      void lines.push({ level, msg, fields });
  const log = { warn: at('warn'), error: at('error'), info: at('info') } as unknown as Logger;
  return { log, lines };
}

describe('applyWithRetry (ratings after a match)', () => {
  it('retries a failed apply until it succeeds, counting each failure', async () => {
    const { log, lines } = recordingLog();
    let calls = 0;
    const failures: unknown[] = [];
    const applied = await applyWithRetry(
      async () => {
        if (++calls < 3) throw new Error(`redis timeout ${calls}`);
      },
      log,
      'room-1',
      { onFailure: (err) => failures.push(err), onGiveUp: () => expect.fail('must not give up') },
      5,
      1,
    );
    expect(applied).toBe(true);
    expect(calls).toBe(3);
    expect(failures).toHaveLength(2);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('gives up after its attempts: counted through onGiveUp and logged as an error naming the match', async () => {
    const { log, lines } = recordingLog();
    let calls = 0;
    const gaveUp: unknown[] = [];
    const applied = await applyWithRetry(
      () => Promise.reject(new Error(`redis down ${++calls}`)),
      log,
      'room-9',
      { onGiveUp: (err) => gaveUp.push(err) },
      4,
      1,
    );
    expect(applied).toBe(false);
    expect(calls).toBe(4);
    expect(gaveUp).toEqual([new Error('redis down 4')]);
    const errors = lines.filter((l) => l.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.msg).toMatch(/gave up/);
    expect(errors[0]!.fields).toMatchObject({ what: 'room-9', attempts: 4 });
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(3);
  });
});
