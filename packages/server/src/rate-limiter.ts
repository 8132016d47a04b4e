import type { RateSpec } from './config.ts';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (an IP, an account name, a user id). `take` answers 0 when allowed, or
 * how many milliseconds until the next token. Idle full buckets are dropped so the map stays
 * the size of the active set.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep = 0;

  constructor(
    private readonly spec: RateSpec,
    private readonly now: () => number = Date.now,
  ) {}

  take(key: string, cost = 1): number {
    const now = this.now();
    this.sweep(now);
    const b = this.buckets.get(key) ?? { tokens: this.spec.burst, at: now };
    b.tokens = Math.min(this.spec.burst, b.tokens + ((now - b.at) / 1000) * this.spec.perSecond);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return 0;
    }
    return Math.ceil(((cost - b.tokens) / this.spec.perSecond) * 1000);
  }

  /** Gives back what `take` took, for a request that turned out to cost nothing. */
  refund(key: string, cost = 1): void {
    const b = this.buckets.get(key);
    if (b) b.tokens = Math.min(this.spec.burst, b.tokens + cost);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    const fullAfterMs = (this.spec.burst / this.spec.perSecond) * 1000;
    for (const [key, b] of this.buckets) if (now - b.at > fullAfterMs) this.buckets.delete(key);
  }
}
