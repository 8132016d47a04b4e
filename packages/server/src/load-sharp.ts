import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips) is loaded on the first image, not at startup: its import costs ~0.3 s of CPU
 * that every start, and every restart from the admin panel, would otherwise wait for.
 */
export function loadSharp(): Promise<typeof Sharp> {
  return (loading ??= import('sharp').then((m) => m.default));
}
