import { describe, expect, it } from 'vitest';
import { thumbnailBox, thumbnailSize } from './thumbnail-size.ts';

describe('thumbnailSize', () => {
  const box = { width: 360, height: 280 };
  it('keeps the aspect ratio when scaling a wide image down', () => {
    expect(thumbnailSize(1920, 1080, box)).toEqual({ width: 360, height: 203 });
  });
  it('is limited by height for a tall image', () => {
    expect(thumbnailSize(1000, 4000, box)).toEqual({ width: 70, height: 280 });
  });
  it('never scales a small image up', () => {
    expect(thumbnailSize(32, 24, box)).toEqual({ width: 32, height: 24 });
  });
  it('keeps extreme strips at least one pixel thick', () => {
    expect(thumbnailSize(100_000, 1, box)).toEqual({ width: 360, height: 1 });
  });
  it('gives several images a smaller box each', () => {
    expect(thumbnailBox(1).width).toBeGreaterThan(thumbnailBox(3).width);
  });
});
