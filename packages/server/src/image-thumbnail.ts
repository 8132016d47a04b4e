import type { ImageMime } from './image-sanitizer.ts';
import { loadSharp } from './load-sharp.ts';

/**
 * The largest inline thumbnail the web app shows is 360 x 280 CSS pixels; twice that stays sharp
 * on high-density screens. A 40 MP photo then costs a few hundred KB to show inline, not 10 MB.
 */
export const THUMBNAIL_BOX = { width: 720, height: 560 };

/**
 * A smaller copy for inline display, in the same format (animations stay animated), or null when
 * the image already fits the box (the original is then the thumbnail). Runs on bytes we encoded
 * ourselves, after sanitizing.
 */
export async function makeThumbnail(
  data: Buffer,
  mime: ImageMime,
  size: { width: number; height: number },
  animated: boolean,
): Promise<Buffer | null> {
  if (size.width <= THUMBNAIL_BOX.width && size.height <= THUMBNAIL_BOX.height) return null;
  const sharp = await loadSharp();
  let img = sharp(data, { animated }).resize(THUMBNAIL_BOX.width, THUMBNAIL_BOX.height, {
    fit: 'inside',
    withoutEnlargement: true,
  });
  switch (mime) {
    case 'image/png':
      img = img.png();
      break;
    case 'image/jpeg':
      img = img.jpeg({ quality: 80 });
      break;
    case 'image/gif':
      img = img.gif();
      break;
    case 'image/webp':
      img = img.webp({ quality: 80 });
      break;
  }
  return img.toBuffer();
}
