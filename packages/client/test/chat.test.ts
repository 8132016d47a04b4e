import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatError, api } from '../src/index.ts';
import type { ChatClient, ConnectionState } from '../src/index.ts';
import WebSocket from 'ws';
import { newClient, newUser, sleep, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

let server: TestServer;
const clients: ChatClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.cleanup();
});

async function connected(prefix: string) {
  const u = await newUser(server.url, prefix);
  const client = newClient(server.url, u.token);
  clients.push(client);
  await client.connect();
  return { ...u, client };
}
const general = (c: ChatClient) => c.channels().find((ch) => ch.name === 'general')!;
const texts = (c: ChatClient, channelId: string) => c.messages(channelId).map((m) => m.text);

describe('two SDK clients over a real server', () => {
  it('connect: hello, user, general channel, presence, online state', async () => {
    const alice = await connected('alice');
    expect(alice.client.state).toBe<ConnectionState>('online');
    expect(alice.client.user).toMatchObject({ id: alice.id, username: alice.username, role: 'user' });
    expect(alice.client.connectionId).toEqual(expect.any(String));
    expect(general(alice.client)).toMatchObject({ joined: true, kind: 'channel' });
  });

  it('chat both ways: each side sees both messages once, in seq order, with nothing left pending', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const ch = general(alice.client).id;
    const before = alice.client.messages(ch).length;

    const pending = await alice.client.sendMessage(ch, 'hello bob');
    expect(pending).toMatchObject({ channelId: ch, text: 'hello bob', status: 'pending' });
    await waitFor('bob sees alice', () => texts(bob.client, ch).includes('hello bob'));
    await bob.client.sendMessage(ch, 'hi alice');
    await waitFor('alice sees bob', () => texts(alice.client, ch).includes('hi alice'));
    await waitFor('bob sees own', () => texts(bob.client, ch).includes('hi alice'));

    for (const c of [alice.client, bob.client]) {
      const mine = c.messages(ch).filter((m) => m.text === 'hello bob' || m.text === 'hi alice');
      expect(mine.map((m) => m.text)).toEqual(['hello bob', 'hi alice']);
      const seqs = c.messages(ch).map((m) => m.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      expect(c.pending(ch)).toEqual([]);
    }
    expect(alice.client.messages(ch).length).toBe(before + 2);
    const fromBob = alice.client.messages(ch).find((m) => m.text === 'hi alice')!;
    expect(fromBob).toMatchObject({ authorId: bob.id, authorName: bob.username });
  });

  it('unread counts, markRead, typing and presence', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const ch = general(alice.client).id;
    alice.client.markRead(ch);
    bob.client.markRead(ch);
    await waitFor('bob read all', () => bob.client.unreadCount(ch) === 0);
    alice.client.notifyTyping(ch);
    await waitFor('bob sees alice typing', () => bob.client.typingIn(ch).includes(alice.username));
    expect(alice.client.typingIn(ch)).not.toContain(alice.username);
    for (const t of ['one', 'two', 'three']) await alice.client.sendMessage(ch, t);
    await waitFor('bob got three', () => texts(bob.client, ch).includes('three'));
    expect(bob.client.typingIn(ch)).not.toContain(alice.username); // a message ends typing
    expect(bob.client.unreadCount(ch)).toBe(3);
    expect(alice.client.unreadCount(ch)).toBe(0); // own messages are not unread
    bob.client.markRead(ch);
    expect(bob.client.unreadCount(ch)).toBe(0);
    await waitFor('bob presence known to alice', () => alice.client.presence(bob.id)?.status === 'online');
    expect(alice.client.allPresence().some((p) => p.userId === bob.id)).toBe(true);
  });

  it('sends a reader’s marks at most once a second, the last one included', async () => {
    const alice = await connected('alice');
    let marks = 0;
    class CountingSocket extends WebSocket {
      override send(data: unknown, ...rest: unknown[]): void {
        if (typeof data === 'string' && data.includes('"channel.markRead"')) marks++;
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const u = await newUser(server.url, 'reader');
    const reader = newClient(server.url, u.token, { WebSocket: CountingSocket });
    clients.push(reader);
    await reader.connect();
    const ch = general(alice.client).id;
    // Read after every message, as the web app does at the bottom of a channel.
    const stop = reader.on('message', () => reader.markRead(ch));
    for (let i = 1; i <= 10; i++) await alice.client.sendMessage(ch, `fast ${i}`);
    await waitFor('reader got them all', () => texts(reader, ch).includes('fast 10'));
    stop();
    const lastSeq = reader.messages(ch).at(-1)!.seq;
    expect(reader.unreadCount(ch)).toBe(0);
    expect(marks).toBeLessThanOrEqual(2);
    // The last mark reaches the server at the end of the interval: a new connection has it.
    await sleep(1_200);
    expect(marks).toBeLessThanOrEqual(3);
    const again = newClient(server.url, u.token);
    clients.push(again);
    await again.connect();
    expect(again.channel(ch)?.readSeq).toBe(lastSeq);
  });

  it('typed requests: create a channel, the other joins, messages flow; errors are ChatErrors', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const { channel } = await alice.client.request('channel.create', {
      name: `room-${Date.now()}`,
      description: 'test',
    });
    expect(alice.client.channel(channel.id)).toMatchObject({ joined: true });
    await bob.client.request('channel.join', { channelId: channel.id });
    expect(bob.client.channel(channel.id)?.joined).toBe(true);
    await alice.client.sendMessage(channel.id, 'welcome');
    await waitFor('bob sees welcome', () => texts(bob.client, channel.id).includes('welcome'));
    const err = await bob.client
      .request('channel.members', { channelId: 'no-such-channel' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChatError);
    expect((err as ChatError).code).toBe('NOT_FOUND');
  });

  it('edits and deletes reach the other side as updates of the same seq', async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const ch = general(alice.client).id;
    await alice.client.sendMessage(ch, 'first draft');
    await waitFor('bob has it', () => texts(bob.client, ch).includes('first draft'));
    const m = alice.client.messages(ch).find((x) => x.text === 'first draft')!;
    await alice.client.request('message.edit', { messageId: m.id, text: 'final' });
    await waitFor(
      'bob sees the edit',
      () => bob.client.messages(ch).find((x) => x.seq === m.seq)?.text === 'final',
    );
    await alice.client.request('message.delete', { messageId: m.id });
    await waitFor(
      'bob sees the delete',
      () => bob.client.messages(ch).find((x) => x.seq === m.seq)?.deleted === true,
    );
    expect(bob.client.messages(ch).filter((x) => x.seq === m.seq).length).toBe(1);
  });

  it('loadOlder pages back through history to the first message without holes', async () => {
    const alice = await connected('alice');
    const { channel } = await alice.client.request('channel.create', { name: `hist-${Date.now()}` });
    for (let i = 0; i < 120; i++) await alice.client.sendMessage(channel.id, `h${i}`);
    await waitFor('all acked', () => alice.client.pending(channel.id).length === 0);
    const bobU = await newUser(server.url, 'bob');
    const bob = newClient(server.url, bobU.token, { historyPageSize: 25 });
    clients.push(bob);
    await bob.connect();
    await bob.request('channel.join', { channelId: channel.id });
    await waitFor('first page', () => bob.messages(channel.id).length >= 25);
    while (await bob.loadOlder(channel.id));
    expect(texts(bob, channel.id)).toEqual(Array.from({ length: 120 }, (_, i) => `h${i}`));
    expect(bob.messages(channel.id).map((m) => m.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
  });

  it('keeps at most maxMessagesPerChannel in memory, and loadOlder brings the dropped ones back', async () => {
    const u = await newUser(server.url, 'trim');
    const client = newClient(server.url, u.token, { maxMessagesPerChannel: 10, historyPageSize: 10 });
    clients.push(client);
    await client.connect();
    const { channel } = await client.request('channel.create', { name: `trim-${Date.now()}` });
    for (let i = 0; i < 30; i++) await client.sendMessage(channel.id, `t${i}`);
    await waitFor('all acked', () => client.pending(channel.id).length === 0);
    expect(client.messages(channel.id).length).toBeLessThanOrEqual(11);
    expect(client.messages(channel.id).at(-1)?.text).toBe('t29');
    while (await client.loadOlder(channel.id));
    expect(texts(client, channel.id)).toEqual(Array.from({ length: 30 }, (_, i) => `t${i}`));
  });

  it('the same clientMsgId sent three times through request() stores one message and answers the same ack', async () => {
    const alice = await connected('alice');
    const ch = general(alice.client).id;
    const clientMsgId = crypto.randomUUID();
    const acks = [];
    for (let i = 0; i < 3; i++)
      acks.push(await alice.client.request('message.send', { channelId: ch, clientMsgId, text: 'once' }));
    expect(new Set(acks.map((a) => a.message.id)).size).toBe(1);
    expect(new Set(acks.map((a) => a.message.seq)).size).toBe(1);
    await waitFor('seen', () => alice.client.messages(ch).some((m) => m.clientMsgId === clientMsgId));
    expect(alice.client.messages(ch).filter((m) => m.clientMsgId === clientMsgId).length).toBe(1);
  });

  it('a non-final refusal is kept pending; a final one (no such channel) is marked failed with the reason', async () => {
    const alice = await connected('alice');
    const p = await alice.client.sendMessage('no-such-channel', 'into the void');
    await waitFor('failed', () => alice.client.pending('no-such-channel')[0]?.status === 'failed');
    expect(alice.client.pending('no-such-channel')[0]).toMatchObject({
      clientMsgId: p.clientMsgId,
      error: { code: 'NOT_FOUND' },
    });
    await alice.client.discard(p.clientMsgId);
    expect(alice.client.pending('no-such-channel')).toEqual([]);
  });

  it('subscribe/getVersion: the version moves and listeners hear of changes', async () => {
    const alice = await connected('alice');
    const ch = general(alice.client).id;
    let calls = 0;
    const off = alice.client.subscribe(() => calls++);
    const v = alice.client.getVersion();
    const snapshot = alice.client.messages(ch);
    await alice.client.sendMessage(ch, 'versioned');
    await waitFor('acked', () => texts(alice.client, ch).includes('versioned'));
    off();
    expect(alice.client.getVersion()).toBeGreaterThan(v);
    expect(calls).toBeGreaterThan(0);
    expect(alice.client.messages(ch)).not.toBe(snapshot);
  });
});

describe('connect failures and the HTTP helpers', () => {
  it('rejects connect() with UNAUTHENTICATED for a bad token and does not retry', async () => {
    const client = newClient(server.url, 'not-a-token');
    clients.push(client);
    await expect(client.connect()).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(client.state).toBe('closed');
  });

  it('api: login, me, wrong password, logout ends the live session with sessionEnded', async () => {
    const u = await newUser(server.url, 'carol');
    const s = await api.login(server.url, { username: u.username, password: 'correct horse battery staple' });
    expect((await api.me(server.url, { token: s.token })).user.username).toBe(u.username);
    await expect(
      api.login(server.url, { username: u.username, password: 'wrong password!' }),
    ).rejects.toMatchObject({
      code: 'BAD_CREDENTIALS',
    });
    const client = newClient(server.url, s.token);
    clients.push(client);
    await client.connect();
    const ended = new Promise<string>((r) => client.on('sessionEnded', r));
    await api.logout(server.url, { token: s.token });
    expect(typeof (await ended)).toBe('string');
    await waitFor('closed', () => client.state === 'closed');
    await expect(api.me(server.url, { token: s.token })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('api: an unreachable server is UNAVAILABLE, not a crash', async () => {
    await expect(api.login('http://127.0.0.1:9', { username: 'x', password: 'y' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    });
  });
  it("keeps a channel's member count right as others join and leave", async () => {
    const alice = await connected('alice');
    const bob = await connected('bob');
    const { channel } = await alice.client.request('channel.create', { name: `count-${Date.now()}` });
    expect(alice.client.channel(channel.id)?.memberCount).toBe(1);
    await bob.client.request('channel.join', { channelId: channel.id });
    await waitFor('alice sees 2 members', () => alice.client.channel(channel.id)?.memberCount === 2);
    expect(bob.client.channel(channel.id)?.memberCount).toBe(2);
    await bob.client.request('channel.leave', { channelId: channel.id });
    await waitFor('alice sees 1 member', () => alice.client.channel(channel.id)?.memberCount === 1);
  });
});
