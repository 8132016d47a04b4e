import { CloseCode, PROTOCOL_VERSION } from '@segmentchat/protocol';
import type { ServerEvent } from '@segmentchat/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { Connection } from './connection.ts';
import type { ConnectionPhase } from './connection.ts';
import { exponentialBackoff } from './reconnect-policy.ts';

/** A scripted server over real sockets: the test decides what each frame gets back. */
async function scriptedServer(onFrame: (ws: ServerSocket, frame: Record<string, unknown>) => void) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sockets: ServerSocket[] = [];
  wss.on('connection', (ws) => {
    sockets.push(ws);
    ws.on('message', (data) =>
      onFrame(ws, JSON.parse((data as Buffer).toString()) as Record<string, unknown>),
    );
  });
  const port = (wss.address() as { port: number }).port;
  const close = () =>
    new Promise<void>((r) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => r());
    });
  return { url: `ws://127.0.0.1:${port}/ws`, sockets, close };
}

const helloResult = (n: number) => ({
  user: { id: 'u1', username: 'alice', role: 'user', mustChangePassword: false },
  connectionId: `conn${n}`,
  serverTime: 1,
  channels: [],
  presence: [],
  presenceDelta: false,
  presenceCursor: `e.${n}`,
  iceServers: [],
  relayKey: 'k',
  streams: [],
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function connect(url: string, extra: Partial<ConstructorParameters<typeof Connection>[0]> = {}) {
  const conn = new Connection({
    url,
    WebSocket,
    token: 'tok',
    reconnect: exponentialBackoff({ baseMs: 10, maxMs: 20 }),
    ...extra,
  });
  cleanups.push(() => conn.close());
  return conn;
}
const next = <T>(conn: Connection, event: 'ready' | 'fatal' | 'down') =>
  new Promise<T>((resolve) => {
    const off = conn.on(event, (...args: unknown[]) => {
      off();
      resolve(args as T);
    });
  });

describe('Connection', () => {
  it('says hello with the token and protocol, then matches replies to requests by id, even out of order', async () => {
    let helloCount = 0;
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') {
        expect(f).toMatchObject({ protocol: PROTOCOL_VERSION, token: 'tok' });
        ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(++helloCount) }));
      } else if (f.type === 'ping') {
        // answer the second ping first, in one batched array frame with an event between
        setTimeout(
          () => ws.send(JSON.stringify({ re: f.id, ok: true, serverTime: Number(f.id) })),
          f.id === 2 ? 30 : 0,
        );
      }
    });
    cleanups.push(server.close);
    const conn = connect(server.url);
    const ready = next<[{ connectionId: string }, boolean]>(conn, 'ready');
    conn.start();
    const [hello, resumed] = await ready;
    expect(hello.connectionId).toBe('conn1');
    expect(resumed).toBe(false);
    const [a, b] = await Promise.all([conn.request('ping', {}), conn.request('ping', {})]);
    expect(a.serverTime).toBe(2);
    expect(b.serverTime).toBe(3);
  });

  it('handles a frame that is a JSON array of replies and events, in order, and skips invalid events', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(1) }));
      if (f.type === 'ping') {
        ws.send(
          JSON.stringify([
            { type: 'typing', channelId: 'c1', userId: 'u2', username: 'bob' },
            { type: 'typing', channelId: 5 }, // wrong field type: dropped at the edge
            { type: 'brand.new.event', x: 1 }, // newer server: ignored
            { re: f.id, ok: true, serverTime: 42 },
            { type: 'session.ended', reason: 'bye' },
          ]),
        );
      }
    });
    cleanups.push(server.close);
    const conn = connect(server.url);
    const events: ServerEvent[] = [];
    conn.on('event', (e) => events.push(e));
    conn.start();
    await next(conn, 'ready');
    expect((await conn.request('ping', {})).serverTime).toBe(42);
    await new Promise((r) => setTimeout(r, 20));
    expect(events.map((e) => e.type)).toEqual(['typing', 'session.ended']);
  });

  it('rejects error replies as ChatError with the code, and a reply that breaks the schema as INTERNAL', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(1) }));
      if (f.type === 'channel.members')
        ws.send(JSON.stringify({ re: f.id, ok: false, error: { code: 'NOT_FOUND', message: 'nope' } }));
      if (f.type === 'ping') ws.send(JSON.stringify({ re: f.id, ok: true, serverTime: 'soon' }));
    });
    cleanups.push(server.close);
    const conn = connect(server.url);
    conn.start();
    await next(conn, 'ready');
    await expect(conn.request('channel.members', { channelId: 'x' })).rejects.toMatchObject({
      name: 'ChatError',
      code: 'NOT_FOUND',
    });
    await expect(conn.request('ping', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('times out a request that gets no reply with a retryable UNAVAILABLE', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(1) }));
    });
    cleanups.push(server.close);
    const conn = connect(server.url, { requestTimeoutMs: 100 });
    conn.start();
    await next(conn, 'ready');
    await expect(conn.request('ping', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('reconnects after the server drops the socket, failing requests in flight, and says hello again', async () => {
    let hellos = 0;
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(++hellos) }));
      if (f.type === 'ping') ws.terminate();
    });
    cleanups.push(server.close);
    const conn = connect(server.url);
    const phases: ConnectionPhase[] = [];
    conn.on('phase', (p) => phases.push(p));
    conn.start();
    await next(conn, 'ready');
    const again = next<[{ connectionId: string }, boolean]>(conn, 'ready');
    await expect(conn.request('ping', {})).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const [hello, resumed] = await again;
    expect(hello.connectionId).toBe('conn2');
    expect(resumed).toBe(true);
    expect(phases).toEqual(['connecting', 'ready', 'waiting', 'connecting', 'ready']);
  });

  it('waits for the connection before sending a request made while connecting', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello')
        setTimeout(() => ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(1) })), 50);
      if (f.type === 'ping') ws.send(JSON.stringify({ re: f.id, ok: true, serverTime: 7 }));
    });
    cleanups.push(server.close);
    const conn = connect(server.url);
    conn.start();
    expect((await conn.request('ping', {})).serverTime).toBe(7);
  });

  it('gives up for good on close code 4001 (session gone) and on a refused hello', async () => {
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello' && f.token === 'bad') {
        ws.send(
          JSON.stringify({
            re: f.id,
            ok: false,
            error: { code: 'UNAUTHENTICATED', message: 'Not signed in' },
          }),
        );
        ws.close(CloseCode.UNAUTHENTICATED, 'Not signed in');
      } else if (f.type === 'hello') {
        ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(1) }));
        setTimeout(() => ws.close(CloseCode.UNAUTHENTICATED, 'Signed out'), 20);
      }
    });
    cleanups.push(server.close);
    const refused = connect(server.url, { token: 'bad' });
    const fatal1 = next<[{ code: string }]>(refused, 'fatal');
    refused.start();
    expect((await fatal1)[0].code).toBe('UNAUTHENTICATED');
    expect(refused.phase).toBe('closed');

    const later = connect(server.url);
    const fatal2 = next<[{ code: string; message: string }]>(later, 'fatal');
    later.start();
    const [error] = await fatal2;
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('Signed out');
    expect(later.phase).toBe('closed');
    expect(server.sockets.length).toBe(2); // no reconnect attempt after either
  });

  it('detects a silent dead link with the heartbeat and reconnects', async () => {
    let hellos = 0;
    const server = await scriptedServer((ws, f) => {
      if (f.type === 'hello') ws.send(JSON.stringify({ re: f.id, ok: true, ...helloResult(++hellos) }));
      // pings are swallowed: the link looks open but nothing comes back
    });
    cleanups.push(server.close);
    const conn = connect(server.url, { heartbeatMs: 100 });
    conn.start();
    await next(conn, 'ready');
    const [hello] = await next<[{ connectionId: string }]>(conn, 'ready');
    expect(hello.connectionId).toBe('conn2');
  });
});
