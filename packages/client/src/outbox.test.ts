import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { Message } from '@segmentchat/protocol';
import { describe, expect, it } from 'vitest';
import { MemoryOutboxStore } from './memory-outbox-store.ts';
import { Outbox } from './outbox.ts';
import { alwaysGrantedLock } from './outbox-lock.ts';
import type { OutboxLock } from './outbox-lock.ts';
import type { PendingMessage } from './outbox-store.ts';

const asMessage = (e: PendingMessage, seq: number): Message => ({
  id: `m${seq}`,
  channelId: e.channelId,
  seq,
  rev: seq,
  authorId: 'me',
  authorName: 'me',
  clientMsgId: e.clientMsgId,
  kind: 'text',
  text: e.text,
  attachments: [],
  createdAt: 1,
  editedAt: null,
  deleted: false,
});
const tick = () => new Promise((r) => setTimeout(r, 5));

/** A server stand-in at the outbox's one seam (the send function); replies are scripted per text. */
function harness(
  reply: (e: PendingMessage, attempt: number) => 'ok' | ChatError | 'hang',
  lock: OutboxLock = alwaysGrantedLock,
) {
  const store = new MemoryOutboxStore();
  const sent: string[] = [];
  const delivered: string[] = [];
  const attempts = new Map<string, number>();
  let seq = 0;
  const outbox = new Outbox({
    store,
    lock,
    send: async (e) => {
      sent.push(e.text);
      const n = (attempts.get(e.text) ?? 0) + 1;
      attempts.set(e.text, n);
      const r = reply(e, n);
      if (r === 'hang') return new Promise<never>(() => {});
      if (r instanceof ChatError) throw r;
      return asMessage(e, ++seq);
    },
  });
  outbox.on('delivered', (m) => delivered.push(m.text));
  return { store, outbox, sent, delivered };
}

describe('Outbox', () => {
  it('persists before sending, sends in order when online, and removes each entry on ack', async () => {
    const h = harness(() => 'ok');
    await h.outbox.init();
    const a = await h.outbox.add('c1', 'one');
    await h.outbox.add('c1', 'two');
    expect((await h.store.load()).map((e) => e.text)).toEqual(['one', 'two']);
    expect(h.sent).toEqual([]); // offline: nothing sent
    expect(h.outbox.pending('c1').map((e) => [e.text, e.status])).toEqual([
      ['one', 'pending'],
      ['two', 'pending'],
    ]);
    expect(a.clientMsgId).toMatch(/^[0-9a-f-]{36}$/);
    h.outbox.setOnline(true);
    await tick();
    expect(h.sent).toEqual(['one', 'two']);
    expect(h.delivered).toEqual(['one', 'two']);
    expect(h.outbox.pending('c1')).toEqual([]);
    expect(await h.store.load()).toEqual([]);
  });

  it('marks a final refusal failed with the reason (never drops it), and retry re-queues it', async () => {
    let refuse = true;
    const h = harness((e) => (e.text === 'bad' && refuse ? ChatError.notFound('No such channel') : 'ok'));
    await h.outbox.init();
    h.outbox.setOnline(true);
    const bad = await h.outbox.add('gone', 'bad');
    await h.outbox.add('c1', 'good');
    await tick();
    expect(h.delivered).toEqual(['good']);
    expect(h.outbox.pending('gone')).toEqual([
      expect.objectContaining({
        text: 'bad',
        status: 'failed',
        error: { code: 'NOT_FOUND', message: 'No such channel' },
      }),
    ]);
    expect((await h.store.load()).map((e) => e.status)).toEqual(['failed']);
    refuse = false;
    await h.outbox.retry(bad.clientMsgId);
    await tick();
    expect(h.delivered).toEqual(['good', 'bad']);
    expect(await h.store.load()).toEqual([]);
  });

  it('keeps a message after a retryable error and resends it when the connection returns', async () => {
    const h = harness((_e, attempt) =>
      attempt === 1 ? new ChatError(ErrorCode.UNAVAILABLE, 'Connection lost') : 'ok',
    );
    await h.outbox.init();
    h.outbox.setOnline(true);
    const p = await h.outbox.add('c1', 'x');
    await tick();
    h.outbox.setOnline(false);
    expect(h.outbox.pending('c1')).toEqual([
      expect.objectContaining({ clientMsgId: p.clientMsgId, status: 'pending' }),
    ]);
    h.outbox.setOnline(true);
    await tick();
    expect(h.sent).toEqual(['x', 'x']);
    expect(h.delivered).toEqual(['x']);
  });

  it('backs off after a rate limit and resends, keeping the order (window 1 by default)', async () => {
    const h = harness((e, attempt) => (e.text === 'b' && attempt === 1 ? ChatError.rateLimited(30) : 'ok'));
    await h.outbox.init();
    for (const t of ['a', 'b', 'c']) await h.outbox.add('c1', t);
    h.outbox.setOnline(true);
    while (h.delivered.length < 3) await tick();
    expect(h.sent).toEqual(['a', 'b', 'b', 'c']);
    expect(h.delivered).toEqual(['a', 'b', 'c']);
    expect(await h.store.load()).toEqual([]);
  });

  it('with a larger window, pipelines several sends before the first reply', async () => {
    const replies: (() => void)[] = [];
    const store = new MemoryOutboxStore();
    const sent: string[] = [];
    const outbox = new Outbox({
      store,
      lock: alwaysGrantedLock,
      window: 3,
      send: (e) => {
        sent.push(e.text);
        return new Promise((resolve) => replies.push(() => resolve(asMessage(e, sent.length))));
      },
    });
    await outbox.init();
    for (const t of ['a', 'b', 'c', 'd']) await outbox.add('c1', t);
    outbox.setOnline(true);
    await tick();
    expect(sent).toEqual(['a', 'b', 'c']);
    replies.shift()!();
    await tick();
    expect(sent).toEqual(['a', 'b', 'c', 'd']);
  });

  it('loads what a previous run left, turning "sending" back into "pending"', async () => {
    const h = harness(() => 'hang');
    await h.outbox.init();
    h.outbox.setOnline(true);
    await h.outbox.add('c1', 'left over');
    await tick();
    expect(h.outbox.pending('c1')[0]?.status).toBe('sending');
    await h.store.put({ ...(await h.store.load())[0]!, status: 'sending' });
    const next = new Outbox({
      store: h.store,
      lock: alwaysGrantedLock,
      send: () => new Promise<never>(() => {}),
    });
    await next.init();
    expect(next.pending('c1').map((e) => [e.text, e.status])).toEqual([['left over', 'pending']]);
  });

  it('forgets an entry whose message arrived by another path (event or sync)', async () => {
    const h = harness(() => 'hang');
    await h.outbox.init();
    const e = await h.outbox.add('c1', 'x');
    h.outbox.seen({ ...asMessage(e, 1), channelId: 'other' });
    expect(h.outbox.pending('c1').length).toBe(1);
    h.outbox.seen(asMessage(e, 1));
    await tick();
    expect(h.outbox.pending('c1')).toEqual([]);
    expect(await h.store.load()).toEqual([]);
  });

  it('sends only while holding the lock', async () => {
    let grant: (() => void) | null = null;
    const lock: OutboxLock = { acquire: () => new Promise((r) => (grant = () => r(() => undefined))) };
    const h = harness(() => 'ok', lock);
    await h.outbox.init();
    h.outbox.setOnline(true);
    await h.outbox.add('c1', 'x');
    await tick();
    expect(h.sent).toEqual([]);
    grant!();
    await tick();
    expect(h.delivered).toEqual(['x']);
  });

  it('refuses invalid messages before storing anything', async () => {
    const h = harness(() => 'ok');
    await h.outbox.init();
    await expect(h.outbox.add('c1', '   ')).rejects.toMatchObject({ code: 'INVALID' });
    await expect(h.outbox.add('c1', 'x'.repeat(4001))).rejects.toMatchObject({ code: 'TOO_LARGE' });
    await expect(h.outbox.add('', 'x')).rejects.toMatchObject({ code: 'INVALID' });
    expect(await h.store.load()).toEqual([]);
  });
});
