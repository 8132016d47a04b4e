import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { MemoryCacheStore } from '../src/index.ts';
import type { ChatClient, WebSocketLike } from '../src/index.ts';
import { newClient, newUser, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

/** A real `ws` socket that records the request types it sends. */
function recordingWebSocket(types: string[]): WebSocketLike {
  return class extends WebSocket {
    override send(data: string): void {
      const frame = JSON.parse(data) as { type: string; channelId?: string; sync?: unknown };
      if (frame.sync) types.push(`${frame.type} with sync ${JSON.stringify(frame.sync)}`);
      else types.push(frame.channelId ? `${frame.type} ${frame.channelId}` : frame.type);
      super.send(data);
    }
  };
}

let server: TestServer;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.cleanup();
});

describe('a client with a cache store', () => {
  it('opens with its cached history while the server is down, then resumes sync from its cursors', async () => {
    server = await startTestServer();
    const a = await newUser(server.url, 'alice');
    const b = await newUser(server.url, 'bob');
    const bob = newClient(server.url, b.token);
    cleanups.push(() => bob.close());
    await bob.connect();
    const cache = new MemoryCacheStore();
    const first: ChatClient = newClient(server.url, a.token, { cacheStore: cache });
    await first.connect();
    const { channel } = await first.request('channel.create', { name: `cache-${Date.now()}` });
    await bob.request('channel.join', { channelId: channel.id });
    for (let i = 0; i < 5; i++) await bob.sendMessage(channel.id, `old${i}`);
    await waitFor('alice has old', () => first.messages(channel.id).length === 5);
    first.close(); // the tab is closed
    await new Promise((r) => setTimeout(r, 20)); // the cache flushes on the next tick

    for (let i = 0; i < 3; i++) await bob.sendMessage(channel.id, `new${i}`);
    await waitFor('bob acked', () => bob.pending(channel.id).length === 0);
    await server.stop();

    const sent: string[] = [];
    const second = newClient(server.url, a.token, { cacheStore: cache, WebSocket: recordingWebSocket(sent) });
    cleanups.push(() => second.close());
    const connecting = second.connect();
    await waitFor('cached view', () => second.messages(channel.id).length === 5);
    expect(second.state).not.toBe('online');
    expect(second.user?.id).toBe(a.id);
    expect(second.channel(channel.id)?.name).toBe(channel.name);
    await second.sendMessage(channel.id, 'written offline');

    await server.restart();
    await connecting;
    await waitFor(
      'caught up',
      () => second.messages(channel.id).length === 9 && second.pending(channel.id).length === 0,
    );
    expect(second.messages(channel.id).map((m) => m.text)).toEqual([
      'old0',
      'old1',
      'old2',
      'old3',
      'old4',
      'new0',
      'new1',
      'new2',
      'written offline',
    ]);
    // The cursor was cached with the messages: no history page for that channel, just the page
    // of changes hello answers with; the three new messages fit on it, so no `sync` either.
    const hellos = sent.filter((t) => t.startsWith('hello'));
    expect(hellos).toHaveLength(1);
    expect(hellos[0]).toContain(`"${channel.id}":${second.messages(channel.id)[4]!.rev}`);
    expect(sent).not.toContain('sync');
    expect(sent).not.toContain(`message.history ${channel.id}`);
  });

  it('a cursor cached before any message arrived: sync brings all that came since, each announced once', async () => {
    server = await startTestServer();
    const a = await newUser(server.url, 'alice');
    const b = await newUser(server.url, 'bob');
    const bob = newClient(server.url, b.token);
    cleanups.push(() => bob.close());
    await bob.connect();
    const cache = new MemoryCacheStore();
    const first = newClient(server.url, a.token, { cacheStore: cache });
    await first.connect();
    const { channel } = await first.request('channel.create', { name: `empty-${Date.now()}` });
    await bob.request('channel.join', { channelId: channel.id });
    first.close();
    await new Promise((r) => setTimeout(r, 20));
    expect((await cache.load())?.cursors[channel.id]).toBe(0);

    // More than one history page (50) arrives while Alice is away.
    for (let i = 0; i < 70; i++) await bob.sendMessage(channel.id, `m${i}`);
    await waitFor('bob acked', () => bob.pending(channel.id).length === 0);

    const second = newClient(server.url, a.token, { cacheStore: cache });
    cleanups.push(() => second.close());
    const announced: string[] = [];
    second.on('message', (m) => {
      if (m.channelId === channel.id) announced.push(m.text);
    });
    await second.connect();
    const expected = Array.from({ length: 70 }, (_, i) => `m${i}`);
    expect(second.messages(channel.id).map((m) => m.text)).toEqual(expected);
    expect(announced).toEqual(expected);
  });
});
