import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../apps/gateway/rate-limiter.js';

describe('RateLimiter', () => {
  it('allows the burst, limits beyond it, refills at the rate, and calls a sustained flood a flood', () => {
    const limiter = new RateLimiter(10, 5, 0);
    const at0 = Array.from({ length: 5 }, () => limiter.take(0));
    expect(at0).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(limiter.take(0)).toBe('limited');
    expect(limiter.take(200)).toBe('ok'); // 0.2 s at 10/s refilled 2 tokens (one debt repaid)
    const flood = Array.from({ length: 12 }, () => limiter.take(200));
    expect(flood).toContain('limited');
    expect(flood.at(-1)).toBe('flood');
  });
});
