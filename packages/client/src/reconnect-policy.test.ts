import { describe, expect, it } from 'vitest';
import { exponentialBackoff } from './reconnect-policy.ts';

describe('exponentialBackoff', () => {
  it('stays within [0, min(max, base * 2^attempt)] for any random value', () => {
    for (const r of [0, 0.25, 0.5, 0.999999]) {
      const policy = exponentialBackoff({ baseMs: 250, maxMs: 10_000, random: () => r });
      for (let attempt = 0; attempt < 40; attempt++) {
        const cap = Math.min(10_000, 250 * 2 ** attempt);
        const d = policy.delayMs(attempt)!;
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(cap);
        expect(d).toBe(Math.floor(r * cap));
      }
    }
  });

  it('grows exponentially until the cap, then stays there', () => {
    const policy = exponentialBackoff({ random: () => 0.999999 });
    const delays = [0, 1, 2, 3, 4, 5, 6, 100, 5000].map((a) => policy.delayMs(a));
    expect(delays.slice(0, 6)).toEqual([249, 499, 999, 1999, 3999, 7999]);
    expect(delays.slice(6)).toEqual([9999, 9999, 9999]);
  });

  it('spreads delays over the whole window (full jitter, not equal jitter)', () => {
    const policy = exponentialBackoff({ baseMs: 1000, maxMs: 1000 });
    const samples = Array.from({ length: 2000 }, () => policy.delayMs(3)!);
    expect(Math.min(...samples)).toBeLessThan(100);
    expect(Math.max(...samples)).toBeGreaterThan(900);
  });

  it('gives up after maxAttempts', () => {
    const policy = exponentialBackoff({ maxAttempts: 3 });
    expect(policy.delayMs(2)).not.toBeNull();
    expect(policy.delayMs(3)).toBeNull();
  });

  it('rejects nonsense bounds', () => {
    expect(() => exponentialBackoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => exponentialBackoff({ baseMs: 100, maxMs: 50 })).toThrow(RangeError);
  });
});
