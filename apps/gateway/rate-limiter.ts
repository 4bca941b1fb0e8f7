/**
 * Token bucket per connection: `ratePerS` frames per second sustained, `burst` at once. A
 * frame over the limit is refused; a client that keeps sending far past the limit (its
 * debt passes `burst` again) is a flood and should be cut off.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
    now = performance.now(),
  ) {
    this.tokens = burst;
    this.last = now;
  }

  take(now = performance.now()): 'ok' | 'limited' | 'flood' {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerS);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 'ok';
    return this.tokens < -this.burst ? 'flood' : 'limited';
  }
}
