import { describe, expect, it } from 'vitest';
import { computeOffsets, rowAt, visibleRange } from './virtual-layout.ts';

describe('virtual layout', () => {
  it('computes prefix offsets', () => {
    expect([...computeOffsets([10, 20, 30])]).toEqual([0, 10, 30, 60]);
  });

  it('finds the row under a y position', () => {
    const o = computeOffsets([10, 20, 30]);
    expect(rowAt(o, 0)).toBe(0);
    expect(rowAt(o, 9.9)).toBe(0);
    expect(rowAt(o, 10)).toBe(1);
    expect(rowAt(o, 59)).toBe(2);
    expect(rowAt(o, 1000)).toBe(2);
  });

  it('renders only the rows near the viewport out of 10,000', () => {
    const o = computeOffsets(new Array<number>(10_000).fill(40));
    const { start, end } = visibleRange(o, 200_000, 800, 400);
    expect(start).toBe(4990);
    expect(end).toBe(5031);
    expect(end - start).toBeLessThan(60);
  });

  it('handles an empty list', () => {
    expect(visibleRange(computeOffsets([]), 0, 500, 100)).toEqual({ start: 0, end: 0 });
  });
});
