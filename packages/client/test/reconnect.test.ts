import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatClient, Message } from '../src/index.ts';
import { cuttableProxy, newClient, newUser, sleep, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

let server: TestServer;
const cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.cleanup();
});

/** Alice connects directly; Bob through `bobUrl`; both in a fresh channel. Bob records every new message. */
async function pair(bobUrl: string) {
  const a = await newUser(server.url, 'alice');
  const b = await newUser(server.url, 'bob');
  const alice = newClient(server.url, a.token);
  const bob = newClient(bobUrl, b.token);
  cleanups.push(
    () => alice.close(),
    () => bob.close(),
  );
  await alice.connect();
  await bob.connect();
  const { channel } = await alice.request('channel.create', {
    name: `r-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
  });
  await bob.request('channel.join', { channelId: channel.id });
  const bobSaw: Message[] = [];
  bob.on('message', (m) => {
    if (m.channelId === channel.id) bobSaw.push(m);
  });
  return { alice, bob, ch: channel.id, bobSaw };
}

const texts = (c: ChatClient, ch: string) => c.messages(ch).map((m) => m.text);
const range = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}`);

/** Every message once, seq 1..n with no gap, in the expected text order. */
function expectExactly(c: ChatClient, ch: string, expected: string[]): void {
  expect(texts(c, ch)).toEqual(expected);
  expect(c.messages(ch).map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
  expect(c.pending(ch)).toEqual([]);
}

describe('a client that loses its connection', () => {
  it('gets everything it missed during a network cut, in order, once, and its offline messages go out once', async () => {
    const proxy = await cuttableProxy(server.port);
    cleanups.push(() => proxy.close());
    const { alice, bob, ch, bobSaw } = await pair(proxy.url);
    await alice.sendMessage(ch, 'before');
    await waitFor('bob has "before"', () => texts(bob, ch).includes('before'));

    proxy.cut();
    await waitFor('bob notices', () => bob.state !== 'online');
    for (const t of range('a', 30)) await alice.sendMessage(ch, t);
    await waitFor('alice acked', () => alice.pending(ch).length === 0);
    const first = alice.messages(ch).find((m) => m.text === 'a0')!;
    await alice.request('message.edit', { messageId: first.id, text: 'a0 (edited)' });
    for (const t of range('b', 5)) await bob.sendMessage(ch, t);
    expect(bob.pending(ch).map((p) => p.text)).toEqual(range('b', 5));
    await sleep(300); // let a few reconnect attempts fail against the cut link
    expect(bob.state).toBe('reconnecting');

    proxy.restore();
    const expected = ['before', 'a0 (edited)', ...range('a', 30).slice(1), ...range('b', 5)];
    await waitFor(
      'bob caught up',
      () => texts(bob, ch).length === expected.length && bob.pending(ch).length === 0,
    );
    await waitFor('alice has bob’s', () => texts(alice, ch).length === expected.length);
    expectExactly(bob, ch, expected);
    expectExactly(alice, ch, expected);
    // Each message reached Bob's listeners exactly once, whatever path it took (live, sync, ack);
    // sync delivers in rev order, so the edited a0 comes after a29 there.
    expect(bobSaw.map((m) => m.seq).sort((x, y) => x - y)).toEqual(expected.map((_, i) => i + 1));
    expect(bob.state).toBe('online');
  });

  it('cut in the middle of a burst of sends: every message is stored exactly once, in order', async () => {
    const proxy = await cuttableProxy(server.port);
    cleanups.push(() => proxy.close());
    const { alice, bob, ch } = await pair(proxy.url);
    let cutDone = false;
    alice.on('message', (m) => {
      // Cut while Bob still has sends on the wire: some acks are lost, some frames never arrive.
      if (!cutDone && m.text === 'b10') {
        cutDone = true;
        proxy.cut();
        setTimeout(() => proxy.restore(), 300);
      }
    });
    await Promise.all(range('b', 50).map((t) => bob.sendMessage(ch, t)));
    await waitFor('all acked', () => bob.pending(ch).length === 0 && texts(bob, ch).length >= 50);
    await waitFor('alice has all', () => texts(alice, ch).length >= 50);
    expect(cutDone).toBe(true);
    expectExactly(bob, ch, range('b', 50));
    expectExactly(alice, ch, range('b', 50));
  });

  it('survives a server restart on the same data dir and port: nothing lost or doubled on either side', async () => {
    const { alice, bob, ch } = await pair(server.url);
    for (const t of range('x', 5)) await alice.sendMessage(ch, t);
    await waitFor('bob has x', () => texts(bob, ch).length === 5);

    await server.stop();
    await waitFor('both notice', () => alice.state !== 'online' && bob.state !== 'online');
    for (const t of range('b', 5)) await bob.sendMessage(ch, t);
    for (const t of range('a', 5)) await alice.sendMessage(ch, t);
    await sleep(200);
    await server.restart();

    await waitFor('both online', () => alice.state === 'online' && bob.state === 'online');
    await waitFor('all delivered', () => texts(alice, ch).length === 15 && texts(bob, ch).length === 15);
    await waitFor('outboxes empty', () => alice.pending(ch).length === 0 && bob.pending(ch).length === 0);
    for (const c of [alice, bob]) {
      const t = texts(c, ch);
      expect(t.slice(0, 5)).toEqual(range('x', 5));
      expect(t.filter((x) => x.startsWith('a'))).toEqual(range('a', 5));
      expect(t.filter((x) => x.startsWith('b'))).toEqual(range('b', 5));
      expect(c.messages(ch).map((m) => m.seq)).toEqual(range('', 15).map((_, i) => i + 1));
    }
    expect(texts(alice, ch)).toEqual(texts(bob, ch));
  });

  it('a socket dropped in the middle of a burst and replaced at once misses nothing', async () => {
    const { alice, bob, ch } = await pair(server.url);
    // Messages committed while Bob's socket is being replaced reach him only through sync.
    const done = (async () => {
      for (const t of range('g', 20)) await alice.sendMessage(ch, t);
    })();
    await sleep(5);
    bob.reconnect();
    await done;
    await waitFor('bob has all', () => texts(bob, ch).length === 20 && bob.state === 'online');
    expectExactly(bob, ch, range('g', 20));
  });

  it('reconnecting again and again while messages keep coming misses and doubles nothing', async () => {
    const { alice, bob, ch, bobSaw } = await pair(server.url);
    // Each hello's first page is read while sends commit around it: the page, the live events
    // and any sync after must still add up to every message once.
    const done = (async () => {
      for (const t of range('r', 120)) await alice.sendMessage(ch, t);
    })();
    for (let i = 0; i < 6; i++) {
      await sleep(10 + i * 7);
      bob.reconnect();
    }
    await done;
    await waitFor('bob has all', () => texts(bob, ch).length === 120 && bob.state === 'online');
    expectExactly(bob, ch, range('r', 120));
    expect(bobSaw.map((m) => m.seq).sort((x, y) => x - y)).toEqual(range('r', 120).map((_, i) => i + 1));
  });

  it('a message written offline to a channel the user lost meanwhile is marked failed with the reason, not dropped', async () => {
    const proxy = await cuttableProxy(server.port);
    cleanups.push(() => proxy.close());
    const a = await newUser(server.url, 'alice');
    const b = await newUser(server.url, 'bob');
    const alice = newClient(server.url, a.token);
    const bob = newClient(proxy.url, b.token);
    const bobElsewhere = newClient(server.url, b.token);
    cleanups.push(
      () => alice.close(),
      () => bob.close(),
      () => bobElsewhere.close(),
    );
    await Promise.all([alice.connect(), bob.connect(), bobElsewhere.connect()]);
    const { channel } = await alice.request('channel.create', {
      name: `priv-${Date.now()}`,
      visibility: 'private',
    });
    await alice.request('channel.invite', { channelId: channel.id, username: b.username });
    await waitFor('bob is in', () => bob.channel(channel.id)?.joined === true);

    proxy.cut();
    await waitFor('bob offline', () => bob.state !== 'online');
    const kept = await bob.sendMessage(channel.id, 'still there?');
    await bobElsewhere.request('channel.leave', { channelId: channel.id }); // from another device
    proxy.restore();

    await waitFor('marked failed', () => bob.pending(channel.id)[0]?.status === 'failed');
    expect(bob.pending(channel.id)).toEqual([
      expect.objectContaining({
        clientMsgId: kept.clientMsgId,
        text: 'still there?',
        error: expect.objectContaining({ code: 'NOT_FOUND' }),
      }),
    ]);
    expect(bob.channel(channel.id)).toBeUndefined(); // a private channel left is gone from the list
    expect(alice.messages(channel.id).map((m) => m.text)).not.toContain('still there?');
  });

  it('resumes presence from its cursor: what changed during the cut arrives, what it knew stays', async () => {
    const proxy = await cuttableProxy(server.port);
    cleanups.push(() => proxy.close());
    const [b, c, d] = [
      await newUser(server.url, 'bob'),
      await newUser(server.url, 'cara'),
      await newUser(server.url, 'dev'),
    ];
    const bob = newClient(proxy.url, b.token);
    const cara = newClient(server.url, c.token);
    const dev = newClient(server.url, d.token);
    cleanups.push(
      () => bob.close(),
      () => cara.close(),
    );
    for (const client of [bob, cara, dev]) await client.connect();
    await waitFor('bob sees dev', () => bob.presence(d.id)?.status === 'online');
    dev.close();
    await waitFor('bob sees dev leave', () => bob.presence(d.id)?.status === 'offline');

    proxy.cut();
    await waitFor('bob notices', () => bob.state !== 'online');
    await cara.request('presence.set', { status: 'away' });
    proxy.restore();
    await waitFor('bob is back', () => bob.state === 'online', 30_000);

    expect(bob.presence(c.id)?.status).toBe('away');
    // A full snapshot holds only who is online or away: dev would be gone from bob's list. The
    // delta did not mention dev, so bob keeps what it knew, last seen included.
    expect(bob.presence(d.id)).toMatchObject({ status: 'offline', lastSeen: expect.any(Number) });
  });
});
