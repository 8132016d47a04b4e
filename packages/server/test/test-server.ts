import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from '../src/create-server.ts';
import type { ChatServer, ServerOptions } from '../src/create-server.ts';

export interface TestServer {
  server: ChatServer;
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** A real server on a random port with its SQLite file in a fresh temp dir. */
export async function startTestServer(options: ServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'segmentchat-test-'));
  const server = await createServer({
    port: 0,
    host: '127.0.0.1',
    logger: false,
    webRoot: null,
    // Tests that watch a user go offline would wait out the grace period; its own test sets one.
    presenceGraceMs: 0,
    // Tests register many users from one IP; the rate-limit tests set their own limits.
    ...options,
    limits: {
      register: { burst: 10_000, perSecond: 100 },
      login: { burst: 10_000, perSecond: 100 },
      ...options.limits,
    },
    dataDir,
  });
  const url = await server.listen();
  return {
    server,
    url,
    dataDir,
    async stop() {
      await server.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
