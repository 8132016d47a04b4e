import { expect, it } from 'vitest';
import { medianRun } from './median-run.ts';

it('picks the middle run by score, the lower middle of an even count', () => {
  const runs = [{ rate: 30 }, { rate: 20 }, { rate: 32 }];
  expect(medianRun(runs, (r) => r.rate)).toBe(runs[0]);
  expect(medianRun([{ rate: 5 }, { rate: 9 }], (r) => r.rate).rate).toBe(5);
  expect(medianRun([{ rate: 7 }], (r) => r.rate).rate).toBe(7);
  expect(() => medianRun([], () => 0)).toThrow();
});
