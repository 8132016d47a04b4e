import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { RawWebSocket } from './raw-websocket.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function wsServer(): Promise<{ url: string; next: Promise<ServerSocket> }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => wss.once('listening', resolve));
  closers.push(
    () =>
      new Promise((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  const next = new Promise<ServerSocket>((resolve) => wss.once('connection', resolve));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws?x=1`, next };
}

function collect(url: string) {
  const messages: string[] = [];
  const closes: Array<[number, string]> = [];
  let waiting: (() => void) | null = null;
  const ws = new RawWebSocket(url, {
    message: (data) => {
      messages.push(data.toString());
      waiting?.();
    },
    close: (code, reason) => {
      closes.push([code, reason]);
      waiting?.();
    },
  });
  const until = async (done: () => boolean) => {
    while (!done()) await new Promise<void>((resolve) => (waiting = resolve));
  };
  return { ws, messages, closes, until };
}

async function listen(server: NetServer | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

describe('RawWebSocket', () => {
  it('sends masked frames a ws server reads, and reads every payload length encoding', async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    const peer = await server.next;
    const received: string[] = [];
    peer.on('message', (data: Buffer) => received.push(data.toString()));
    const texts = ['hi', 'é'.repeat(100), 'x'.repeat(70_000)];
    for (const text of texts) client.ws.send(text);
    for (const text of texts) peer.send(text);
    await client.until(() => client.messages.length === texts.length);
    expect(client.messages).toEqual(texts);
    await expect.poll(() => received).toEqual(texts);
  });

  it('reads thousands of frames that arrive coalesced and split across reads', async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    const peer = await server.next;
    const texts = Array.from({ length: 5_000 }, (_, i) => `${i}:${'y'.repeat(i % 300)}`);
    for (const text of texts) peer.send(text);
    await client.until(() => client.messages.length === texts.length);
    expect(client.messages).toEqual(texts);
  });

  it('puts a frame back together when it arrives a byte at a time', async () => {
    const frame = Buffer.concat([Buffer.from([0x81, 126, 0x01, 0x2c]), Buffer.alloc(300, 'z')]);
    const server = createNetServer((socket) => {
      socket.once('data', async (request) => {
        const key = /sec-websocket-key: (\S+)/i.exec(request.toString())![1]!;
        const accept = createHash('sha1')
          .update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
          .digest('base64');
        socket.setNoDelay(true);
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        socket.write(`Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
        for (const byte of frame) {
          socket.write(Buffer.from([byte]));
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      });
    });
    const port = await listen(server);
    const client = collect(`ws://127.0.0.1:${port}/`);
    await client.ws.whenOpen();
    await client.until(() => client.messages.length === 1);
    expect(client.messages).toEqual(['z'.repeat(300)]);
    client.ws.terminate();
  });

  it('answers a ping with a pong carrying its payload', async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    const peer = await server.next;
    const pong = new Promise<string>((resolve) => peer.once('pong', (data) => resolve(data.toString())));
    peer.ping('are you there');
    expect(await pong).toBe('are you there');
  });

  it("reports the server's close code and reason", async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    const peer = await server.next;
    peer.close(4012, 'restarting');
    await client.until(() => client.closes.length === 1);
    expect(client.closes).toEqual([[4012, 'restarting']]);
    expect(client.ws.isClosed).toBe(true);
  });

  it('reports 1006 once after terminate', async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    client.ws.terminate();
    await client.until(() => client.closes.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.closes).toEqual([[1006, '']]);
  });

  it('rejects an upgrade the server refuses, with its status line', async () => {
    const server = createHttpServer();
    server.on('upgrade', (_req, socket) =>
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n'),
    );
    const port = await listen(server);
    const client = collect(`ws://127.0.0.1:${port}/`);
    await expect(client.ws.whenOpen()).rejects.toThrow(
      'WebSocket upgrade refused: HTTP/1.1 503 Service Unavailable',
    );
    expect(client.closes).toEqual([]);
  });

  it('reads nothing while paused and everything after resume', async () => {
    const server = await wsServer();
    const client = collect(server.url);
    await client.ws.whenOpen();
    const peer = await server.next;
    client.ws.pause();
    peer.send('while paused');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.messages).toEqual([]);
    client.ws.resume();
    await client.until(() => client.messages.length === 1);
    expect(client.messages).toEqual(['while paused']);
  });
});
