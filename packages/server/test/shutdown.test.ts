import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { SqliteStore } from '../src/sqlite-store.ts';
import { CLOSE_HANDSHAKE_MS } from '../src/ws-gateway.ts';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';

describe('graceful shutdown', () => {
  it('tells clients, closes sockets with 1001, and commits what was already accepted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-stop-'));
    const srv = await startTestServer({ dataDir });
    const c = await TestClient.connect(srv.url, (await register(srv.url, 'stopper')).token);
    const channelId = c.hello!.channels[0]!.id;
    // Queued in the commit batcher in the same turn as the shutdown begins.
    const sends = Array.from({ length: 10 }, (_, i) =>
      c.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: `last ${i}` }),
    );
    const acks = Promise.allSettled(sends);
    // Once the server has read the frames, they were accepted and must be committed and acked.
    const { metrics } = srv.server.services;
    while (metrics.framesIn < 11) await new Promise((r) => setImmediate(r));
    const stopping = srv.server.close();
    const closed = await c.closed;
    expect(closed.code).toBe(1001);
    expect(c.events.some((e) => e.type === 'server.shutdown')).toBe(true);
    await stopping;
    const acked = (await acks).flatMap((r) => (r.status === 'fulfilled' ? [r.value.message] : []));
    const store = new SqliteStore(join(dataDir, 'segment_chat.db'));
    for (const m of acked) expect(await store.findMessage(m.id)).toEqual(m);
    expect(await store.integrityCheck()).toBe('ok');
    expect(acked).toHaveLength(10);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses sockets that arrive while it closes, so a client reconnecting early cannot keep it up', async () => {
    const srv = await startTestServer();
    const slow = await TestClient.connect(srv.url, (await register(srv.url, 'slow')).token);
    // This client reads nothing for now, so its closing handshake waits and the close with it:
    // the window in which a restarted client's next socket used to be taken and never closed.
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    let stopped = false;
    const stopping = srv.server.close({ restart: true }).then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 50));
    await expect(TestClient.open(srv.url)).rejects.toThrow('upgrade refused: 503');
    expect(stopped).toBe(false);
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(4012);
    await stopping;
  });

  it('destroys a socket whose peer never answers the close, instead of waiting 30 s for it', async () => {
    const srv = await startTestServer();
    const gone = await TestClient.connect(srv.url, (await register(srv.url, 'gone')).token);
    // A phone that lost its network: the socket stays open, nothing it sends or reads arrives.
    (gone.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = Date.now();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await srv.server.close({ restart: true });
    const took = Date.now() - started;
    // It said what it waited for (the report every 2 s), and then stopped waiting.
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(/: closing WebSockets \(1 WebSockets, \d+ TCP connections open\)$/),
    );
    warn.mockRestore();
    // ws's own default would be 30 s; the bound is far above the 3 s set, for a loaded machine.
    expect(took).toBeGreaterThanOrEqual(CLOSE_HANDSHAKE_MS - 100);
    expect(took).toBeLessThan(15_000);
  });

  it('closes a refused upgrade itself, so a client that never hangs up cannot hold the close', async () => {
    const srv = await startTestServer();
    const holder = await TestClient.connect(srv.url, (await register(srv.url, 'holder')).token);
    // Holds the close open (its closing handshake waits) while a second client is refused.
    (holder.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const stopping = srv.server.close({ restart: true });
    await new Promise((r) => setTimeout(r, 50));
    const { hostname, port } = new URL(srv.url);
    // Half-open allowed: it reads the answer but never ends its own side of the connection.
    const raw = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    raw.write(
      `GET /ws HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const answer = await new Promise<string>((resolve) =>
      raw.once('data', (d: Buffer) => resolve(d.toString())),
    );
    expect(answer).toMatch(/^HTTP\/1.1 503/);
    (holder.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const outcome = await Promise.race([
      stopping.then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('still open after 10 s'), 10_000)),
    ]);
    expect(outcome).toBe('closed');
    raw.destroy();
  });

  it('cuts an HTTP request that never finishes a few seconds into the close', async () => {
    const srv = await startTestServer();
    const { hostname, port } = new URL(srv.url);
    // A stalled upload: headers promise a body that never comes.
    const raw = connect({ port: Number(port), host: hostname });
    raw.on('error', () => {});
    raw.write(
      `POST /api/auth/login HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        'Content-Length: 1000\r\n\r\n{"username":',
    );
    await new Promise((r) => setTimeout(r, 100));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const outcome = await Promise.race([
      srv.server.close().then(() => 'closed'),
      new Promise((r) => setTimeout(() => r('still open after 15 s'), 15_000)),
    ]);
    expect(outcome).toBe('closed');
    // While it waited, the server said what for.
    expect(warn.mock.calls.map((c) => String(c[0]))).toContainEqual(
      expect.stringMatching(
        /^Still closing after \d+ s: closing the HTTP server \(0 WebSockets, 1 TCP connections open\)$/,
      ),
    );
    warn.mockRestore();
    raw.destroy();
  });
});
