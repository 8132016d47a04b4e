// Renders the app icons (PNG) from the favicon's drawing, once; the PNGs are committed.
// Run again only when the logo changes: `node packages/web/scripts/make-icons.mjs`.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');
mkdirSync(out, { recursive: true });

const bubble =
  '<path d="M18 22a6 6 0 0 1 6-6h16a6 6 0 0 1 6 6v12a6 6 0 0 1-6 6H30l-8 7v-7h0a4 4 0 0 1-4-4z" fill="#fff"/>' +
  '<circle cx="26" cy="28" r="2.5" fill="#5b5bd6"/><circle cx="32" cy="28" r="2.5" fill="#5b5bd6"/>' +
  '<circle cx="38" cy="28" r="2.5" fill="#5b5bd6"/>';
// "any": the rounded tile of the favicon. "maskable": full-bleed colour with the bubble inside
// the central safe zone, since launchers crop maskable icons to their own shape.
const anyIcon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#5b5bd6"/>${bubble}</svg>`;
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#5b5bd6"/><g transform="translate(32 32) scale(1.3) translate(-32 -31.5)">${bubble}</g></svg>`;

for (const [name, svg, size] of [
  ['icon-192.png', anyIcon, 192],
  ['icon-512.png', anyIcon, 512],
  ['icon-maskable-512.png', maskable, 512],
]) {
  await sharp(Buffer.from(svg), { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toFile(join(out, name));
  console.log(`wrote ${name}`);
}
