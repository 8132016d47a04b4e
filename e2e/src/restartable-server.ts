import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatServer } from '@segmentchat/server';
import { ensureWebBuilt, webDist } from './server-fixture.ts';

export interface RestartableServer {
  url: string;
  dataDir: string;
  /** Closes the server as a deploy would (sockets get the restart close code); data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real server that a test can stop and start again on the same port and SQLite file, with
 * browsers connected, to check that a restart loses and doubles nothing.
 */
export async function startRestartableServer(): Promise<RestartableServer> {
  ensureWebBuilt();
  const { createServer } = await import('@segmentchat/server');
  const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-e2e-restart-'));
  const create = (port: number) =>
    createServer({
      dataDir,
      port,
      host: '127.0.0.1',
      webRoot: webDist,
      logger: false,
      // FULL: a message acked before the stop must be in the file the next start opens.
      sqliteSynchronous: 'FULL',
      limits: { register: { burst: 500, perSecond: 50 }, login: { burst: 500, perSecond: 50 } },
    });
  let server: ChatServer | null = await create(0);
  const url = await server.listen();
  const port = Number(new URL(url).port);
  return {
    url,
    dataDir,
    async stop() {
      await server?.close({ restart: true });
      server = null;
    },
    async start() {
      if (server) return;
      server = await create(port);
      await server.listen();
    },
    async close() {
      await server?.close();
      server = null;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
