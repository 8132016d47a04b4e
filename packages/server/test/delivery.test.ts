import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@segmentchat/protocol';
import type { Message } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('delivery guarantees', () => {
  let srv: TestServer;
  let aliceToken: string;
  let bobToken: string;
  let alice: TestClient;
  let channelId: string;

  beforeAll(async () => {
    srv = await startTestServer();
    aliceToken = (await register(srv.url, 'alice')).token;
    bobToken = (await register(srv.url, 'bob')).token;
    alice = await TestClient.connect(srv.url, aliceToken);
    channelId = (await alice.request('channel.create', { name: 'delivery' })).channel.id;
    const bob = await TestClient.connect(srv.url, bobToken);
    await bob.request('channel.join', { channelId });
    await bob.close();
  });
  afterAll(async () => {
    await alice?.close();
    await srv?.stop();
  });

  it('stores one message for a clientMsgId sent three times, and returns the same ack each time', async () => {
    const clientMsgId = crypto.randomUUID();
    const send = () => alice.request('message.send', { channelId, clientMsgId, text: 'once' });
    // Two in the same commit batch, one after the commit, as an outbox resending would.
    const [a, b] = await Promise.all([send(), send()]);
    const c = await send();
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    const { messages } = await alice.request('message.history', { channelId });
    expect(messages.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
    expect(
      alice.events.filter((e) => e.type === 'message.new' && e.message.clientMsgId === clientMsgId),
    ).toHaveLength(1);
  });

  it('refuses to reuse a clientMsgId in another channel', async () => {
    const clientMsgId = crypto.randomUUID();
    const general = alice.hello!.channels.find((c) => c.name === 'general')!.id;
    await alice.request('message.send', { channelId, clientMsgId, text: 'here' });
    await expect(
      alice.request('message.send', { channelId: general, clientMsgId, text: 'there' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('returns the first ack to a resend after the author left, and refuses new sends there at once', async () => {
    const { channel } = await alice.request('channel.create', { name: 'leaving' });
    const bob = await TestClient.connect(srv.url, bobToken);
    await bob.request('channel.join', { channelId: channel.id });
    const clientMsgId = crypto.randomUUID();
    const first = await bob.request('message.send', { channelId: channel.id, clientMsgId, text: 'bye' });
    await bob.request('channel.leave', { channelId: channel.id });
    const again = await bob.request('message.send', { channelId: channel.id, clientMsgId, text: 'bye' });
    expect(again).toEqual(first);
    await expect(
      bob.request('message.send', { channelId: channel.id, clientMsgId: crypto.randomUUID(), text: 'new' }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      bob.request('message.send', { channelId, clientMsgId, text: 'elsewhere' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const { messages } = await alice.request('message.history', { channelId: channel.id });
    expect(messages.map((m) => m.text)).toEqual(['bye']);
    await bob.close();
  });

  it('gives a client that was away everything it missed, in order, once, via sync', async () => {
    const bob = await TestClient.connect(srv.url, bobToken);
    const start = bob.hello!.channels.find((c) => c.id === channelId)!;
    const cursor = start.rev;
    await bob.close();

    const sent: Message[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(
        (
          await alice.request('message.send', {
            channelId,
            clientMsgId: crypto.randomUUID(),
            text: `missed ${i}`,
          })
        ).message,
      );
    }
    const edited = await alice.request('message.edit', { messageId: sent[3]!.id, text: 'missed 3 (edited)' });

    // Hello answers with the first page; small pages, to walk the paging too.
    const back = await TestClient.open(srv.url);
    const hello = await back.request('hello', {
      protocol: PROTOCOL_VERSION,
      token: bobToken,
      sync: { cursors: { [channelId]: cursor }, limit: 7 },
    });
    const got: Message[] = [...hello.sync!.changes];
    expect(got).toHaveLength(7);
    let cursors = hello.sync!.cursors;
    let hasMore = hello.sync!.hasMore;
    while (hasMore) {
      const page = await back.request('sync', { cursors, limit: 7 });
      got.push(...page.changes);
      cursors = page.cursors;
      hasMore = page.hasMore;
    }
    expect(got.map((m) => m.rev)).toEqual([...got.map((m) => m.rev)].sort((x, y) => x - y));
    expect(new Set(got.map((m) => m.id)).size).toBe(got.length);
    expect(got.map((m) => m.id).sort()).toEqual(sent.map((m) => m.id).sort());
    expect(got.find((m) => m.id === sent[3]!.id)).toEqual(edited.message);
    expect(cursors[channelId]).toBe(edited.message.rev);
    const seqs = got.map((m) => m.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(sent.map((m) => m.seq));
    // Live events resume after sync.
    await alice.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: 'live again' });
    await back.waitEvent((e) => e.type === 'message.new' && e.message.text === 'live again');
    await back.close();
  });

  it("answers hello's sync only when asked, and leaves out channels the caller cannot read", async () => {
    const secret = (await alice.request('channel.create', { name: 'secret', visibility: 'private' })).channel;
    await alice.request('message.send', {
      channelId: secret.id,
      clientMsgId: crypto.randomUUID(),
      text: 'hush',
    });
    const plain = await TestClient.connect(srv.url, bobToken);
    expect(plain.hello).not.toHaveProperty('sync');
    await plain.close();
    const bob = await TestClient.open(srv.url);
    const head = plain.hello!.channels.find((c) => c.id === channelId)!.rev;
    const hello = await bob.request('hello', {
      protocol: PROTOCOL_VERSION,
      token: bobToken,
      sync: { cursors: { [channelId]: head, [secret.id]: 0 } },
    });
    expect(hello.sync).toEqual({ changes: [], cursors: { [channelId]: head }, hasMore: false });
    await bob.close();
  });

  it('answers a repeated sync from the same cursor with what changed in between', async () => {
    const bob = await TestClient.connect(srv.url, bobToken);
    const cursor = bob.hello!.channels.find((c) => c.id === channelId)!.rev;
    const sent = await alice.request('message.send', {
      channelId,
      clientMsgId: crypto.randomUUID(),
      text: 'before the edit',
    });
    const sync = () => bob.request('sync', { cursors: { [channelId]: cursor }, limit: 100 });
    // The same page twice (the second may come from the server's page cache)...
    expect((await sync()).changes.map((m) => m.text)).toEqual(['before the edit']);
    expect((await sync()).changes.map((m) => m.text)).toEqual(['before the edit']);
    // ...and after an edit and a new message, the page from the same cursor has both.
    await alice.request('message.edit', { messageId: sent.message.id, text: 'after the edit' });
    await alice.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: 'newer' });
    expect((await sync()).changes.map((m) => m.text)).toEqual(['after the edit', 'newer']);
    await bob.close();
  });

  it('reads the page a crowd of returning clients missed from the store once, as /metrics counts', async () => {
    const probe = await TestClient.connect(srv.url, bobToken);
    const cursor = probe.hello!.channels.find((c) => c.id === channelId)!.rev;
    await probe.close();
    // A writer of its own: the other tests spend alice's send allowance.
    const carol = await TestClient.connect(srv.url, (await register(srv.url, 'carol')).token);
    await carol.request('channel.join', { channelId });
    const texts = Array.from({ length: 30 }, (_, i) => `missed ${i}`);
    for (const text of texts)
      await carol.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text });
    await carol.close();
    const before = await syncCounters(srv.url);
    const crowd = await Promise.all(Array.from({ length: 10 }, () => TestClient.open(srv.url)));
    const hellos = await Promise.all(
      crowd.map((c) =>
        c.request('hello', {
          protocol: PROTOCOL_VERSION,
          token: bobToken,
          sync: { cursors: { [channelId]: cursor } },
        }),
      ),
    );
    for (const h of hellos) expect(h.sync!.changes.map((m) => m.text)).toEqual(texts);
    const after = await syncCounters(srv.url);
    expect(after.read - before.read).toBe(1);
    expect(after.messages - before.messages).toBe(30);
    expect(after.shared - before.shared).toBe(9);
    await Promise.all(crowd.map((c) => c.close()));
  });

  it('keeps seq without gaps under concurrent senders', async () => {
    const clients = await Promise.all([aliceToken, bobToken].map((t) => TestClient.connect(srv.url, t)));
    await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 25 }, (_, j) =>
          c.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: `c${i}-${j}` }),
        ),
      ),
    );
    const { messages, hasMore } = await alice.request('message.history', { channelId, limit: 200 });
    expect(hasMore).toBe(false);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    await Promise.all(clients.map((c) => c.close()));
  });
});

/** The sync page counters in the server's /metrics. */
async function syncCounters(url: string): Promise<{ read: number; messages: number; shared: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return {
    read: value('segmentchat_sync_pages_read_total'),
    messages: value('segmentchat_sync_messages_read_total'),
    shared: value('segmentchat_sync_pages_shared_total'),
  };
}

describe('send rate and resends', () => {
  let srv: TestServer;

  beforeAll(async () => {
    srv = await startTestServer({ limits: { sends: { burst: 3, perSecond: 0.001 } } });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('lets resends of a stored message cost no send token, and answers them even when limited', async () => {
    const c = await TestClient.connect(srv.url, (await register(srv.url, 'resender')).token);
    const channelId = c.hello!.channels.find((ch) => ch.name === 'general')!.id;
    const send = (clientMsgId: string) => c.request('message.send', { channelId, clientMsgId, text: 'hi' });
    const first = crypto.randomUUID();
    const ack = await send(first);
    for (let i = 0; i < 5; i++) expect(await send(first)).toEqual(ack);
    await send(crypto.randomUUID());
    await send(crypto.randomUUID());
    await expect(send(crypto.randomUUID())).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(await send(first)).toEqual(ack);
    await c.close();
  });
});
