import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Emits `sw.js` into the build: the service worker template (service-worker.js) with the list
 * of files to precache (index.html, every emitted asset, every file of public/) and a version
 * hashed from those names and index.html (which names the content-hashed scripts). A new
 * build therefore gets a new cache, and the old one is dropped on activation. Only `vite build`
 * emits it: the dev server has no service worker.
 */
export function serviceWorkerPlugin(): Plugin {
  const template = readFileSync(new URL('./service-worker.js', import.meta.url), 'utf8');
  let publicFiles: string[] = [];
  return {
    name: 'segmentchat-service-worker',
    apply: 'build',
    // After Vite's own plugins, so index.html is already in the bundle.
    enforce: 'post',
    configResolved(config) {
      publicFiles = config.publicDir && existsSync(config.publicDir) ? listFiles(config.publicDir) : [];
    },
    generateBundle(_options, bundle) {
      const emitted = Object.keys(bundle).filter((f) => !f.endsWith('.map') && f !== 'index.html');
      const files = [...new Set(['/index.html', ...emitted.map((f) => `/${f}`), ...publicFiles])].sort();
      const html = bundle['index.html'];
      const htmlText = html?.type === 'asset' ? String(html.source) : '';
      const version = createHash('sha256')
        .update(files.join('\n'))
        .update(htmlText)
        .digest('hex')
        .slice(0, 16);
      const source = template
        .replace('__SHELL_FILES__', JSON.stringify(files))
        .replace('__SHELL_VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

/** Files under `dir` as URL paths (`/icons/icon-192.png`). */
function listFiles(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return listFiles(path, root);
    return [`/${relative(root, path).split(sep).join('/')}`];
  });
}
