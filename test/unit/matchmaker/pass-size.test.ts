import { describe, expect, it } from 'vitest';
import {
  MAX_TICKETS_PER_PASS,
  MIN_TICKETS_PER_PASS,
  nextPassSize,
} from '../../../apps/matchmaker/pass-size.js';

describe('nextPassSize', () => {
  it('halves a pass whose allocation took more than a quarter of the claim timeout, down to the minimum', () => {
    expect(nextPassSize(1000, 300, 1000)).toBe(500);
    expect(nextPassSize(MIN_TICKETS_PER_PASS, 5_000, 1000)).toBe(MIN_TICKETS_PER_PASS);
  });

  it('grows a pass whose allocation was quick, up to the maximum', () => {
    expect(nextPassSize(1000, 50, 1000)).toBe(1250);
    expect(nextPassSize(MAX_TICKETS_PER_PASS, 1, 1000)).toBe(MAX_TICKETS_PER_PASS);
  });

  it('keeps the size in between', () => {
    expect(nextPassSize(1000, 200, 1000)).toBe(1000);
  });
});
