import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cuttableProxy, newClient, newUser, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

let server: TestServer;
const cleanups: (() => unknown)[] = [];
beforeEach(async () => {
  // Everyone joins `general` on registering: with three members it is a large channel here.
  server = await startTestServer({ presencePushMaxMembers: 2, presenceGraceMs: 0 });
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await server.cleanup();
});

describe('watched presence', () => {
  it('keeps the people a client watches live, across a reconnect, and them only', async () => {
    const proxy = await cuttableProxy(server.port);
    cleanups.push(() => proxy.close());
    const [a, b, c] = [
      await newUser(server.url, 'ann'),
      await newUser(server.url, 'bob'),
      await newUser(server.url, 'cara'),
    ];
    const ann = newClient(proxy.url, a.token);
    cleanups.push(() => ann.close());
    await ann.connect();
    const bob = newClient(server.url, b.token);
    await bob.connect();
    // One large channel in common: nothing is pushed to Ann.
    await new Promise((r) => setTimeout(r, 200));
    expect(ann.presence(b.id)).toBeUndefined();

    const stop = ann.watchPresence([b.id, c.id]);
    await waitFor('ann sees bob online', () => ann.presence(b.id)?.status === 'online');
    expect(ann.presence(c.id)?.status).toBe('offline');
    expect(ann.allPresence().map((p) => p.userId)).toEqual([a.id]);

    // The server forgets a connection's watches with it: the SDK asks again after the cut.
    proxy.cut();
    await waitFor('ann notices', () => ann.state !== 'online');
    proxy.restore();
    await waitFor('ann is back', () => ann.state === 'online', 30_000);
    const cara = newClient(server.url, c.token);
    cleanups.push(() => cara.close());
    await cara.connect();
    await waitFor('ann sees cara come', () => ann.presence(c.id)?.status === 'online');
    bob.close();
    await waitFor('ann sees bob go', () => ann.presence(b.id)?.status === 'offline');

    stop();
    await waitFor('forgotten', () => ann.presence(b.id) === undefined);
  });

  it('forgets pushed statuses when a channel grows large, and has them again when it shrinks', async () => {
    const [a, b] = [await newUser(server.url, 'ann'), await newUser(server.url, 'bob')];
    const ann = newClient(server.url, a.token);
    const bob = newClient(server.url, b.token);
    cleanups.push(
      () => ann.close(),
      () => bob.close(),
    );
    await ann.connect();
    await bob.connect();
    // Two members of general: small, so Bob's presence is pushed to Ann.
    await waitFor('ann sees bob', () => ann.presence(b.id)?.status === 'online');
    const c = await newUser(server.url, 'cara');
    // Three: large. Nobody will tell Ann of Bob any more, so she must not keep showing him.
    await waitFor('forgotten', () => ann.presence(b.id) === undefined);
    const general = ann.channels().find((ch) => ch.name === 'general')!;
    const cara = newClient(server.url, c.token);
    cleanups.push(() => cara.close());
    await cara.connect();
    await bob.request('presence.set', { status: 'away' });
    await cara.request('channel.leave', { channelId: general.id });
    // Two again: Ann is given Bob as he is now.
    await waitFor('ann sees bob away', () => ann.presence(b.id)?.status === 'away');
  });
});
