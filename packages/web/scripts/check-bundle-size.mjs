// Fails the build when the JavaScript a browser loads on first visit (the entry script and the
// chunks index.html preloads) is over 200 KB gzipped. Lazy chunks (the admin panel) do not count.
import { readFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const LIMIT_BYTES = 200 * 1024;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const indexPath = join(dist, 'index.html');
if (!existsSync(indexPath)) {
  console.error(`check-bundle-size: ${indexPath} is missing; run vite build first`);
  process.exit(1);
}
const html = readFileSync(indexPath, 'utf8');
const scripts = new Set();
for (const m of html.matchAll(/<script[^>]+src="([^"]+\.js)"/g)) scripts.add(m[1]);
for (const m of html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+\.js)"/g)) scripts.add(m[1]);
for (const m of html.matchAll(/<link[^>]+href="([^"]+\.js)"[^>]+rel="modulepreload"/g)) scripts.add(m[1]);
if (scripts.size === 0) {
  console.error('check-bundle-size: found no script in dist/index.html');
  process.exit(1);
}
let total = 0;
for (const src of scripts) {
  const bytes = gzipSync(readFileSync(join(dist, src.replace(/^\//, '')))).length;
  total += bytes;
  console.log(`  ${src}: ${(bytes / 1024).toFixed(1)} KB gzipped`);
}
const kb = (total / 1024).toFixed(1);
if (total > LIMIT_BYTES) {
  console.error(`Initial JavaScript: ${kb} KB gzipped, over the ${LIMIT_BYTES / 1024} KB budget`);
  process.exit(1);
}
console.log(`Initial JavaScript: ${kb} KB gzipped (budget ${LIMIT_BYTES / 1024} KB)`);
