/** Client addresses tracked at most; past it the oldest are forgotten (memory stays bounded). */
const MAX_ADDRESSES = 50_000;

/**
 * Guest logins per client address: a token bucket of `perMinute` logins that refills
 * continuously. One per gateway, in memory: a client spread over N gateways gets N times the
 * rate, which is still a bound (and a load balancer keeps a client on one gateway mostly).
 */
export class GuestLoginLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  /** Logins refused by the limit. */
  refused = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** True if `address` may log in now (and counts the login); false: refused, counted. */
  take(address: string): boolean {
    const now = this.now();
    const bucket = this.buckets.get(address);
    let tokens = this.perMinute;
    if (bucket)
      tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    if (tokens < 1) {
      this.refused++;
      return false;
    }
    this.buckets.delete(address); // re-inserted last: the Map's order is least recently used first
    this.buckets.set(address, { tokens: tokens - 1, at: now });
    if (this.buckets.size > MAX_ADDRESSES) this.buckets.delete(this.buckets.keys().next().value!);
    return true;
  }
}
