import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ServerEvent } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const isNew =
  (text: string) =>
  (e: ServerEvent): e is ServerEvent & { type: 'message.new' } =>
    e.type === 'message.new' && e.message.text === text;

describe('two users chat', () => {
  let srv: TestServer;
  let alice: TestClient;
  let bob: TestClient;
  let general: string;

  beforeAll(async () => {
    srv = await startTestServer();
    const [a, b] = await Promise.all([register(srv.url, 'alice'), register(srv.url, 'bob')]);
    alice = await TestClient.connect(srv.url, a.token);
    bob = await TestClient.connect(srv.url, b.token);
    general = alice.hello!.channels.find((c) => c.name === 'general')!.id;
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await srv?.stop();
  });

  it('starts every new user in general', () => {
    const g = bob.hello!.channels.find((c) => c.name === 'general');
    expect(g).toMatchObject({ id: general, joined: true, visibility: 'public' });
  });

  it('delivers messages both ways, live, with consecutive seq', async () => {
    const sent = await alice.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'hi bob',
    });
    const atBob = await bob.waitEvent(isNew('hi bob'));
    expect(atBob.message).toEqual(sent.message);
    const reply = await bob.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'hi alice',
    });
    const atAlice = await alice.waitEvent(isNew('hi alice'));
    expect(atAlice.message.id).toBe(reply.message.id);
    expect(reply.message.seq).toBe(sent.message.seq + 1);
    expect(reply.message.authorName).toBe(bob.hello!.user.username);
  });

  it('pushes edits and deletes to everyone, and only the author may make them', async () => {
    const { message } = await alice.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'typo',
    });
    await expect(
      bob.request('message.edit', { messageId: message.id, text: 'hacked' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const edited = await alice.request('message.edit', { messageId: message.id, text: 'fixed' });
    expect(edited.message).toMatchObject({ text: 'fixed', seq: message.seq });
    expect(edited.message.rev).toBeGreaterThan(message.rev);
    const upd = await bob.waitEvent(
      (e) => e.type === 'message.updated' && e.message.id === message.id && e.message.text === 'fixed',
    );
    expect(upd.type).toBe('message.updated');
    await expect(bob.request('message.delete', { messageId: message.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const del = await alice.request('message.delete', { messageId: message.id });
    expect(del.message).toMatchObject({ deleted: true, text: '' });
    await bob.waitEvent(
      (e) => e.type === 'message.updated' && e.message.id === message.id && e.message.deleted,
    );
  });

  it('pages history by seq, oldest first within a page', async () => {
    const { channel } = await alice.request('channel.create', { name: `hist-${Date.now()}` });
    for (let i = 1; i <= 7; i++) {
      await alice.request('message.send', {
        channelId: channel.id,
        clientMsgId: crypto.randomUUID(),
        text: `m${i}`,
      });
    }
    const newest = await alice.request('message.history', { channelId: channel.id, limit: 3 });
    expect(newest.messages.map((m) => m.text)).toEqual(['m5', 'm6', 'm7']);
    expect(newest.hasMore).toBe(true);
    const older = await alice.request('message.history', { channelId: channel.id, beforeSeq: 5, limit: 10 });
    expect(older.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(older.hasMore).toBe(false);
  });

  it('relays typing to the others in the channel but not back to the typist', async () => {
    await alice.request('typing', { channelId: general });
    const t = await bob.waitEvent((e): e is ServerEvent & { type: 'typing' } => e.type === 'typing');
    expect(t).toMatchObject({ channelId: general, userId: alice.hello!.user.id });
    expect(alice.events.some((e) => e.type === 'typing')).toBe(false);
  });

  it('shows presence across connections: online, away, and offline with last seen', async () => {
    const carol = await register(srv.url, 'carol');
    const c1 = await TestClient.connect(srv.url, carol.token);
    const c2 = await TestClient.connect(srv.url, carol.token);
    const carolId = carol.user.id;
    const presence =
      (status: string) =>
      (e: ServerEvent): e is ServerEvent & EventPayload<'presence'> =>
        e.type === 'presence' && e.userId === carolId && e.status === status;
    await alice.waitEvent(presence('online'));
    await c1.request('presence.set', { status: 'away' });
    await c2.request('presence.set', { status: 'away' });
    await alice.waitEvent(presence('away'));
    await c1.close();
    expect(alice.events.some(presence('offline'))).toBe(false);
    await c2.close();
    const off = await alice.waitEvent(presence('offline'));
    expect(off.lastSeen).toBeTypeOf('number');
  });

  it('says in hello who is online among those sharing a channel, and no one else', async () => {
    const again = await TestClient.connect(srv.url, (await register(srv.url, 'again')).token);
    expect(again.hello!.presence).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: alice.hello!.user.id, status: 'online' })]),
    );
    const loner = await register(srv.url, 'loner');
    const l1 = await TestClient.connect(srv.url, loner.token);
    await l1.request('channel.leave', { channelId: general });
    await l1.close();
    const l2 = await TestClient.connect(srv.url, loner.token);
    expect(l2.hello!.presence.map((p) => p.userId)).toEqual([loner.user.id]);
    await Promise.all([again.close(), l2.close()]);
  });

  it("keeps a user's other connections subscribed when one closes, through joins and leaves", async () => {
    const carol = await register(srv.url, 'carol');
    const [c1, c2, c3] = await Promise.all([1, 2, 3].map(() => TestClient.connect(srv.url, carol.token)));
    await c2!.close();
    // Joined from one tab: the user's remaining connections all follow the channel.
    const { channel } = await alice.request('channel.create', { name: `tabs-${Date.now()}` });
    await c1!.request('channel.join', { channelId: channel.id });
    await alice.request('message.send', {
      channelId: channel.id,
      clientMsgId: crypto.randomUUID(),
      text: 'to both tabs',
    });
    await Promise.all([c1!.waitEvent(isNew('to both tabs')), c3!.waitEvent(isNew('to both tabs'))]);
    await c3!.close();
    await c1!.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'one tab left',
    });
    await alice.waitEvent(isNew('one tab left'));
    // Left from the last tab: nothing from that channel reaches it any more; general still does.
    await c1!.request('channel.leave', { channelId: channel.id });
    await alice.request('message.send', {
      channelId: channel.id,
      clientMsgId: crypto.randomUUID(),
      text: 'after leaving',
    });
    await alice.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'in general',
    });
    await c1!.waitEvent(isNew('in general'));
    expect(c1!.events.some(isNew('after leaving'))).toBe(false);
    await c1!.close();
  });

  it('lists members and answers ping', async () => {
    const { members } = await alice.request('channel.members', { channelId: general });
    expect(members.map((m) => m.userId)).toEqual(
      expect.arrayContaining([alice.hello!.user.id, bob.hello!.user.id]),
    );
    const { serverTime } = await bob.request('ping', {});
    expect(serverTime).toBeGreaterThan(0);
  });

  it('answers a WebSocket ping frame with a pong carrying the same data', async () => {
    const pong = new Promise<Buffer>((resolve) => bob.ws.once('pong', resolve));
    bob.ws.ping(Buffer.from('are you there'));
    expect((await pong).toString()).toBe('are you there');
  });
});
