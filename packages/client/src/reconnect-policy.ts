/**
 * Decides how long to wait before the next reconnect attempt. `attempt` counts failed attempts
 * since the last successful connection (0 for the first retry). Returning `null` gives up.
 */
export interface ReconnectPolicy {
  delayMs(attempt: number): number | null;
}

export interface BackoffOptions {
  /** First retry waits up to this long. 250 ms: quick enough that a server restart feels instant. */
  baseMs?: number;
  /** Cap. 10 s: a user who comes back online waits at most that long for the next attempt. */
  maxMs?: number;
  /** Give up after this many attempts (default: never; a chat client keeps trying). */
  maxAttempts?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Exponential backoff with "full jitter" (a uniformly random delay in [0, min(max, base * 2^n)]),
 * which spreads out the thundering herd when a server restarts with thousands of clients (see
 * the AWS Architecture Blog, "Exponential Backoff And Jitter").
 */
export function exponentialBackoff(options: BackoffOptions = {}): ReconnectPolicy {
  const baseMs = options.baseMs ?? 250;
  const maxMs = options.maxMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  const random = options.random ?? Math.random;
  if (!(baseMs > 0) || !(maxMs >= baseMs)) throw new RangeError('Need 0 < baseMs <= maxMs');
  return {
    delayMs(attempt: number): number | null {
      if (attempt >= maxAttempts) return null;
      // 2^attempt overflows to Infinity past ~1024; min() keeps the cap either way.
      const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
      return Math.floor(random() * cap);
    },
  };
}
