import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../apps/gateway/rate-limiter.js';

/** How many frames in a row the limiter lets through at `now`. */
function okRun(limiter: RateLimiter, now: number): number {
  let n = 0;
  while (limiter.take(now) === 'ok') n++;
  return n;
}

describe('RateLimiter', () => {
  it('allows the burst, limits beyond it, and calls a sustained flood a flood', () => {
    const limiter = new RateLimiter(10, 5, 0);
    const at0 = Array.from({ length: 5 }, () => limiter.take(0));
    expect(at0).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(limiter.take(0)).toBe('limited');
    expect(limiter.take(200)).toBe('ok'); // 0.2 s at 10/s refilled 2 tokens (one debt repaid)
    const flood = Array.from({ length: 12 }, () => limiter.take(200));
    expect(flood).toContain('limited');
    expect(flood.at(-1)).toBe('flood');
  });

  it('refills at the rate: exactly 10 frames a second at 10/s (a limiter at 9/s or 11/s fails this)', () => {
    // A burst far above the rate, so refills are never capped by it.
    const limiter = new RateLimiter(10, 1_000, 0);
    expect(okRun(limiter, 0)).toBe(1_000); // then one 'limited' take: a debt of 1
    expect(okRun(limiter, 1_000)).toBe(9); // 10 refilled in 1 s, less the debt of 1
    expect(okRun(limiter, 2_000)).toBe(9);
    expect(okRun(limiter, 2_250)).toBe(1); // 2.5 tokens in 0.25 s, less the debt: 1.5
    expect(okRun(limiter, 2_350)).toBe(0); // -0.5 + 1.0 = 0.5: not a whole frame
  });
});
