import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { textFrame, textFrameHeader } from './text-frame.ts';

// A real ws client reads frames written straight to the upgraded socket, as the gateway writes them.
const http = createServer();
const wss = new WebSocketServer({ noServer: true });
let raw: Promise<Duplex>;
let client: WebSocket;
const received: string[] = [];

beforeAll(async () => {
  raw = new Promise((resolve) =>
    http.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, () => resolve(socket))),
  );
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}`);
  client.on('message', (data, isBinary) => {
    expect(isBinary).toBe(false);
    received.push((data as Buffer).toString('utf8'));
  });
  await new Promise((resolve) => client.once('open', resolve));
});
afterAll(() => {
  client.terminate();
  wss.close();
  http.close();
});

describe('textFrame', () => {
  it('frames payloads of every length class so that a ws client reads them', async () => {
    const texts = [0, 1, 125, 126, 65535, 65536, 200_000].map(
      (n) => 'é'.repeat(Math.floor(n / 2)) + (n % 2 ? 'x' : ''),
    );
    const socket = await raw;
    for (const t of texts) socket.write(textFrame(Buffer.from(t)));
    await expect.poll(() => received.length).toBe(texts.length);
    expect(received).toEqual(texts);
  });

  it('frames a payload written in parts after its header alone', async () => {
    const parts = ['{"a":"', 'ü'.repeat(40_000), '"}'].map((p) => Buffer.from(p));
    const length = parts.reduce((n, p) => n + p.length, 0);
    const socket = await raw;
    received.length = 0;
    socket.cork();
    socket.write(textFrameHeader(length));
    for (const p of parts) socket.write(p);
    socket.uncork();
    await expect.poll(() => received.length).toBe(1);
    expect(received[0]).toBe(Buffer.concat(parts).toString('utf8'));
  });
});
