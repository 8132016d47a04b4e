import { open } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import { loadSharp } from './load-sharp.ts';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';

export type ImageMime = Attachment['mime'];

/** What a stored file's name ends with, by type. */
export const IMAGE_EXTENSION: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** The sharp format name that must agree with the sniffed type (no polyglots). */
const SHARP_FORMAT: Record<ImageMime, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** Bytes needed to tell the accepted types apart (`RIFF....WEBP` is the longest). */
export const SNIFF_BYTES = 12;

const unsupported = () =>
  new ChatError(ErrorCode.UNSUPPORTED_MEDIA, 'Only PNG, JPEG, GIF and WebP images are accepted');

/**
 * The type a file really has, from its first bytes; the name and the declared Content-Type are
 * not trusted. Anything else (SVG, HTML, text) is refused, since a browser could run it.
 */
export function sniffImageType(head: Buffer): ImageMime | undefined {
  const starts = (bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  const ascii = head.subarray(0, SNIFF_BYTES).toString('latin1');
  if (ascii.startsWith('GIF87a') || ascii.startsWith('GIF89a')) return 'image/gif';
  if (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export interface SanitizedImage {
  data: Buffer;
  mime: ImageMime;
  /** One frame's size (an animation's frames are stacked by sharp; this is not the stack). */
  width: number;
  height: number;
  animated: boolean;
}

/**
 * Decodes an untrusted image and encodes it afresh, so what we store and serve is pixels we made:
 * no EXIF (GPS), no comments, no trailing data or second format hidden in the file. Dimensions
 * are checked from the header before any pixel is decoded, so a small file that declares a huge
 * canvas never gets to allocate it. Truncated or corrupt files fail to decode and are refused.
 */
export async function sanitizeImage(path: string, maxPixels: number): Promise<SanitizedImage> {
  const mime = sniffImageType(await readHead(path));
  if (!mime) throw unsupported();
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // Header only: `limitInputPixels: false` so that we, not sharp, say what was too large.
    meta = await sharp(path, { limitInputPixels: false, animated: true }).metadata();
  } catch {
    throw ChatError.invalid('The image could not be read');
  }
  if (meta.format !== SHARP_FORMAT[mime] || !meta.width || !meta.height) throw unsupported();
  const pages = meta.pages ?? 1;
  const frameHeight = meta.pageHeight ?? meta.height;
  // Every frame of an animation is decoded, so all of them count against the limit.
  if (meta.width * frameHeight * pages > maxPixels) {
    throw ChatError.tooLarge(
      `The image is ${meta.width} x ${frameHeight}${pages > 1 ? ` x ${pages} frames` : ''}; ` +
        `the limit is ${(maxPixels / 1e6).toLocaleString('en')} megapixels`,
    );
  }
  const animated = pages > 1;
  try {
    // `failOn: 'error'` refuses truncated and corrupt data instead of padding it with grey.
    let img = sharp(path, { limitInputPixels: maxPixels, failOn: 'error', animated });
    // Bake the EXIF orientation into the pixels before the EXIF is dropped.
    if (!animated) img = img.rotate();
    switch (mime) {
      case 'image/png':
        img = img.png();
        break;
      case 'image/jpeg':
        img = img.jpeg({ quality: 85 });
        break;
      case 'image/gif':
        img = img.gif();
        break;
      case 'image/webp':
        img = img.webp({ quality: 85 });
        break;
    }
    // sharp writes no metadata unless asked (`keepMetadata`), which is what we want.
    const { data, info } = await img.toBuffer({ resolveWithObject: true });
    return { data, mime, width: info.width, height: info.pageHeight ?? info.height, animated };
  } catch (e) {
    if (e instanceof ChatError) throw e;
    throw ChatError.invalid('The image is damaged or incomplete');
  }
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
