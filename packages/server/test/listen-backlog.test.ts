import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const STORM = 1000;

describe('a reconnect storm while the server is busy', () => {
  let srv: TestServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await srv?.stop();
  });

  it('is held by the kernel until the server accepts, not dropped for a second', async () => {
    const port = Number(new URL(srv.url).port);
    let connected = 0;
    for (let i = 0; i < STORM; i++) {
      const socket = connect({ port, host: '127.0.0.1' }, () => (connected += 1));
      socket.on('error', () => {});
      sockets.push(socket);
    }
    // The SYNs are out; keep the server from accepting while the kernel answers them. A SYN
    // that finds the accept queue full is dropped and sent again only after a second.
    const until = Date.now() + 300;
    while (Date.now() < until) {
      /* busy, like a server working through a burst */
    }
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(connected).toBe(STORM);
  });
});
