// The server process: `npm start` runs this (under scripts/start.mjs). Reads flags and the
// environment, listens, and stops cleanly on Ctrl-C / SIGTERM.
import { loadConfig } from './config.ts';
import { createServer } from './create-server.ts';
import { fastPasswordHashing } from './password-hasher.ts';

if (fastPasswordHashing())
  console.warn('SEGMENTCHAT_FAST_HASH=1: passwords are hashed cheaply. For tests only, never in production.');
const config = loadConfig(process.argv.slice(2), process.env);
const server = await createServer(config);
const url = await server.listen();
const shown =
  config.host === '0.0.0.0' || config.host === '::'
    ? url.replace(/\/\/[^:]+|\/\/\[.*\]/, '//localhost')
    : url;
console.log(`SegmentChat listening on ${url} (open ${shown}/), data in ${config.dataDir}`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing connections and flushing the store...`);
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error('Shutdown failed', e);
        process.exit(1);
      },
    );
  });
}
