/**
 * The size an image is shown at inline: its own aspect ratio, scaled down (never up) to fit the
 * box. Known from the attachment's width and height before the file loads, so the message list
 * reserves the right space and nothing moves when the picture arrives.
 */
export function thumbnailSize(
  width: number,
  height: number,
  box: { width: number; height: number },
): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: box.width, height: box.height };
  const scale = Math.min(1, box.width / width, box.height / height);
  // At least 1 px, so a 10,000 x 1 banner still shows as a line.
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/** One image gets more room than each of several, which sit side by side. */
export function thumbnailBox(count: number): { width: number; height: number } {
  return count === 1 ? { width: 360, height: 280 } : { width: 200, height: 160 };
}
