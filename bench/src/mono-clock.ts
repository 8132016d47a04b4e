/**
 * Microseconds on CLOCK_MONOTONIC (what `process.hrtime` reads). The clock is system-wide, so a
 * send time stamped in one generator process is comparable with a receive time in another.
 */
export function nowUs(): number {
  const [s, ns] = process.hrtime();
  return s * 1e6 + ns / 1000;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
