import { build } from 'vite';
import type { Page } from 'playwright-core';

const bundles = new Map<string, Promise<string>>();

/**
 * Bundles a TypeScript module (and its imports) into one script that sets `globalThis[name]`,
 * so a test can run SDK code inside a real browser page: the IndexedDB and Web Locks code has
 * no fake to run against in Node, and should not have one.
 */
export function bundleForPage(entry: string, name: string): Promise<string> {
  let code = bundles.get(entry);
  if (!code) {
    code = (async () => {
      const out = await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          write: false,
          minify: false,
          target: 'es2022',
          lib: { entry, name, formats: ['iife'], fileName: () => 'bundle.js' },
        },
      });
      const outputs = (Array.isArray(out) ? out : [out]) as { output: { type: string; code?: string }[] }[];
      const chunk = outputs[0]?.output.find((o) => o.type === 'chunk');
      if (!chunk?.code) throw new Error(`bundling ${entry} produced no code`);
      return chunk.code;
    })();
    bundles.set(entry, code);
  }
  return code;
}

/**
 * A blank page on http://localhost (a secure context, so Web Locks exist), with `entry` loaded
 * as `globalThis[name]`. The page is served by Playwright's router: no server involved.
 */
export async function openBundlePage(
  page: Page,
  entry: string,
  name: string,
  origin = 'http://localhost:4999',
): Promise<void> {
  await page.route(`${origin}/**`, (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>SDK test page</title>' }),
  );
  await page.goto(`${origin}/`);
  await page.addScriptTag({ content: await bundleForPage(entry, name) });
}
