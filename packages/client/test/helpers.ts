import { mkdtempSync, rmSync } from 'node:fs';
import { Socket, createServer as createTcpServer } from 'node:net';
import type { Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '@segmentchat/server';
import type { RunningServer, StartServerOptions } from '@segmentchat/server';
import { WebSocket } from 'ws';
import { ChatClient, api, exponentialBackoff } from '../src/index.ts';
import type { ChatClientOptions } from '../src/index.ts';

process.env.SEGMENTCHAT_FAST_HASH = '1';

/** Tests register many users from one address; lift the auth limits the server applies per IP. */
export const testLimits = {
  register: { burst: 10_000, perSecond: 100 },
  login: { burst: 10_000, perSecond: 100 },
};

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  running: RunningServer | null;
  stop(): Promise<void>;
  /** Starts again on the same data dir and port (after `stop`). */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startTestServer(options: Partial<StartServerOptions> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-client-test-'));
  const opts: StartServerOptions = { ...options, dataDir, limits: { ...testLimits, ...options.limits } };
  const first = await startServer(opts);
  const t: TestServer = {
    url: first.url,
    port: first.port,
    dataDir,
    running: first,
    async stop() {
      await t.running?.close();
      t.running = null;
    },
    async restart() {
      // The old port can linger briefly in the kernel after close; retry a few times.
      for (let i = 0; ; i++) {
        try {
          t.running = await startServer({ ...opts, port: t.port });
          return;
        } catch (error) {
          if (i > 50) throw error;
          await sleep(100);
        }
      }
    },
    async cleanup() {
      await t.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

let userCounter = 0;
export async function newUser(
  url: string,
  prefix = 'user',
): Promise<{ username: string; token: string; id: string }> {
  const username = `${prefix}${process.pid % 10000}_${++userCounter}`;
  const s = await api.register(url, { username, password: 'correct horse battery staple' });
  return { username, token: s.token, id: s.user.id };
}

export function newClient(url: string, token: string, extra: Partial<ChatClientOptions> = {}): ChatClient {
  return new ChatClient({
    url,
    token,
    WebSocket,
    // Short waits between attempts keep the tests quick; the jitter still applies.
    reconnect: exponentialBackoff({ baseMs: 50, maxMs: 300 }),
    ...extra,
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves once `check` holds, re-checking on every client change and every 25 ms. The timeout
 * only turns a hang into a readable failure; nothing here asserts on time.
 */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await sleep(25);
  }
}

/** A TCP proxy in front of the server whose connections the test can cut, like a network outage. */
export async function cuttableProxy(
  targetPort: number,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: TcpServer = createTcpServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
