import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Random pixels: compressors cannot shrink them to nothing, so files have a realistic size. */
function noise(width: number, height: number) {
  return sharp(randomBytes(width * height * 3), { raw: { width, height, channels: 3 } });
}

export const png = () => noise(300, 200).png().toBuffer();
export const webp = () => noise(320, 240).webp().toBuffer();

/** A JPEG from a camera that knows where it was: GPS coordinates in its EXIF. */
export const jpegWithGps = () =>
  noise(400, 300)
    .jpeg()
    .withExif({
      IFD0: { Make: 'TestCam', Model: 'Leaky 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 2634/100',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 3960/100',
      },
    })
    .toBuffer();

/** Three 32 x 24 frames (red, green, blue), looping. */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(
    [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ].map(([r, g, b]) =>
      sharp({ create: { width: 32, height: 24, channels: 3, background: { r: r!, g: g!, b: b! } } })
        .raw()
        .toBuffer(),
    ),
  );
  return sharp(Buffer.concat(frames), { raw: { width: 32, height: 72, channels: 3, pageHeight: 24 } })
    .gif({ delay: [120, 120, 120], loop: 0 })
    .toBuffer();
}

/** The same three frames as an animated WebP. */
export async function animatedWebp(): Promise<Buffer> {
  const gif = await animatedGif();
  return sharp(gif, { animated: true }).webp({ loop: 0 }).toBuffer();
}

/** A 400 x 300 JPEG whose EXIF says "rotate 90° to show": it is shown 300 x 400. */
export const jpegRotated = () => noise(400, 300).jpeg().withMetadata({ orientation: 6 }).toBuffer();

/** A valid small PNG whose header (with a correct CRC) claims `width` x `height` pixels. */
export async function pngDeclaring(width: number, height: number): Promise<Buffer> {
  const buf = Buffer.from(await png());
  // IHDR: length (4) at 8, "IHDR" at 12, width at 16, height at 20, ..., CRC at 29 over 12..28.
  buf.writeUInt32BE(width, 16);
  buf.writeUInt32BE(height, 20);
  buf.writeUInt32BE(crc32(buf.subarray(12, 29)), 29);
  return buf;
}

/** The first 60% of a JPEG: the header is whole, the picture data stops halfway. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await noise(400, 300).jpeg().toBuffer();
  return full.subarray(0, Math.floor(full.length * 0.6));
}

export const svgWithScript = () =>
  Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)">' +
      '<script>fetch("/api/auth/me").then(r => r.text()).then(alert)</script></svg>',
  );

export const textFile = () => Buffer.from('This is not an image, whatever its name says.\n'.repeat(20));

/** `bytes` long, starting like a PNG, so only the size can refuse it. */
export function pngLookingBlob(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(buf);
  return buf;
}
