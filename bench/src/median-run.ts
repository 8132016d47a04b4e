/**
 * The middle one of several runs of the same measurement, ranked by `score`: one run slowed by
 * the host (or luckily fast) moves the report no further than its neighbour. For an even count,
 * the slower of the two middle ones (`score` higher is better).
 */
export function medianRun<T>(runs: readonly T[], score: (run: T) => number): T {
  if (runs.length === 0) throw new Error('medianRun: no runs');
  const ranked = [...runs].sort((a, b) => score(a) - score(b));
  return ranked[Math.floor((ranked.length - 1) / 2)]!;
}
