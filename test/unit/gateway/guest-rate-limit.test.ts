import { describe, expect, it } from 'vitest';
import { GuestLoginLimit } from '../../../apps/gateway/auth/guest-rate-limit.js';

describe('GuestLoginLimit', () => {
  it('allows perMinute logins per address, refuses and counts the rest, and refills at the rate', () => {
    let now = 0;
    const limit = new GuestLoginLimit(6, () => now);
    const burst = Array.from({ length: 8 }, () => limit.take('10.0.0.1'));
    expect(burst).toEqual([true, true, true, true, true, true, false, false]);
    expect(limit.refused).toBe(2);
    expect(limit.take('10.0.0.2')).toBe(true); // another address has its own budget
    now += 9_999; // 6 per minute: one login every 10 s
    expect(limit.take('10.0.0.1')).toBe(false);
    now += 1;
    expect(limit.take('10.0.0.1')).toBe(true);
    expect(limit.take('10.0.0.1')).toBe(false);
    expect(limit.refused).toBe(4);
  });
});
