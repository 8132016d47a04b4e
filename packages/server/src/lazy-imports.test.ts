import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** Prints the URL of every module the server's import graph resolves, via a resolve hook. */
function modulesLoadedBy(entry: string): string[] {
  const hook = `
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const resolved = await next(specifier, context);
      port.postMessage(resolved.url);
      return resolved;
    }`;
  const script = `
    import { register } from 'node:module';
    import { MessageChannel } from 'node:worker_threads';
    const { port1, port2 } = new MessageChannel();
    const urls = [];
    port1.on('message', (url) => urls.push(url));
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}), {
      data: { port: port2 },
      transferList: [port2],
    });
    await import(${JSON.stringify(entry)});
    // Every message was posted before its module loaded; let the port deliver them.
    await new Promise((r) => setTimeout(r, 100));
    port1.close();
    console.log(JSON.stringify(urls));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

// werift and sharp cost ~1 s of CPU to import; a restart from the admin panel waits for every
// import of the server's modules. They load on the first stream and the first image instead.
it('starting the server loads neither werift nor sharp', () => {
  const urls = modulesLoadedBy(fileURLToPath(new URL('./create-server.ts', import.meta.url)));
  const packages = new Set(urls.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]));
  expect(packages.has('fastify')).toBe(true); // the hook sees packages at all
  expect(packages.has('werift')).toBe(false);
  expect(packages.has('sharp')).toBe(false);
});
