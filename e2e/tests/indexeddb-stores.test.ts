import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type * as BrowserSdk from '@segmentchat/client/browser';
import type { OutboxStore, PendingMessage } from '@segmentchat/client';
import type { CacheSnapshot, CacheWrite } from '@segmentchat/client';
import { outboxStoreContract } from '@segmentchat/client/outbox-store-contract';
import type { Message } from '@segmentchat/protocol';
import { launchBrowser } from '../src/browser.ts';
import { openBundlePage } from '../src/page-bundle.ts';
import { repoRoot } from '../src/server-fixture.ts';

/** What the test page holds: the SDK's browser module and the stores the tests opened. */
interface PageGlobals {
  SC: typeof BrowserSdk;
  stores: Map<number, OutboxStore>;
  released: Map<string, () => void>;
  log: string[];
}
const SDK_ENTRY = join(repoRoot, 'packages/client/src/browser.ts');

let browser: Browser | null = null;
let context: BrowserContext;
let page: Page;
let nextId = 0;

async function newPage(): Promise<Page> {
  const p = await context.newPage();
  await openBundlePage(p, SDK_ENTRY, 'SC');
  await p.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    g.stores = new Map();
    g.released = new Map();
    g.log = [];
  });
  return p;
}

async function ready(): Promise<Page> {
  if (!browser) {
    browser = await launchBrowser();
    context = await browser.newContext();
    page = await newPage();
  }
  return page;
}

beforeAll(ready);
afterAll(async () => {
  await browser?.close();
});

/** An OutboxStore whose every call runs in the browser page, against real IndexedDB. */
async function openInPage(name: string): Promise<OutboxStore> {
  const p = await ready();
  const id = nextId++;
  await p.evaluate(
    ([id, name]) => {
      const g = globalThis as unknown as PageGlobals;
      g.stores.set(id, new g.SC.IndexedDBOutboxStore(name));
    },
    [id, name] as const,
  );
  const call = <R>(op: 'load' | 'put' | 'delete' | 'close', arg: unknown = null): Promise<R> =>
    p.evaluate(
      async ({ id, op, arg }) => {
        const store = (globalThis as unknown as PageGlobals).stores.get(id)!;
        if (op === 'load') return store.load();
        if (op === 'put') return store.put(arg as PendingMessage);
        if (op === 'delete') return store.delete(arg as string);
        return store.close?.();
      },
      { id, op, arg },
    ) as Promise<R>;
  return {
    load: () => call('load'),
    put: (entry) => call('put', entry),
    delete: (clientMsgId) => call('delete', clientMsgId),
    close: () => call('close'),
  };
}

outboxStoreContract('indexeddb', openInPage, { durable: true });

describe('IndexedDBOutboxStore across tabs', () => {
  it('survives closing every tab of the origin', async () => {
    const a = await newPage();
    await a.evaluate(async () => {
      const s = new (globalThis as unknown as PageGlobals).SC.IndexedDBOutboxStore('closed-tab');
      await s.put({
        clientMsgId: 'x1',
        channelId: 'c',
        text: 'kept',
        attachments: [],
        createdAt: 1,
        status: 'pending',
      });
    });
    await a.close();
    const b = await newPage();
    const texts = await b.evaluate(async () => {
      const s = new (globalThis as unknown as PageGlobals).SC.IndexedDBOutboxStore('closed-tab');
      return (await s.load()).map((e) => e.text);
    });
    expect(texts).toEqual(['kept']);
    await b.close();
  });

  it('keeps working when its database is deleted under it (another tab, storage cleared)', async () => {
    const p = await ready();
    const texts = await p.evaluate(async () => {
      const s = new (globalThis as unknown as PageGlobals).SC.IndexedDBOutboxStore('deleted-under');
      const e = (id: string) => ({
        clientMsgId: id,
        channelId: 'c',
        text: id,
        attachments: [],
        createdAt: 1,
        status: 'pending' as const,
      });
      await s.put(e('before'));
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase(s.databaseName);
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error ?? new Error('delete failed'));
      });
      await s.put(e('after'));
      return (await s.load()).map((x) => x.text);
    });
    expect(texts).toEqual(['after']);
  });

  it('tells other tabs watching the same account that it changed', async () => {
    const watcher = await newPage();
    const writer = await newPage();
    await watcher.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const s = new g.SC.IndexedDBOutboxStore('watched');
      s.watch(() => void s.load().then((all) => g.log.push(all.map((e) => e.text).join(','))));
    });
    await writer.evaluate(async () => {
      const s = new (globalThis as unknown as PageGlobals).SC.IndexedDBOutboxStore('watched');
      await s.put({
        clientMsgId: 'w1',
        channelId: 'c',
        text: 'from the other tab',
        attachments: [],
        createdAt: 1,
        status: 'pending',
      });
    });
    await watcher.waitForFunction(() =>
      (globalThis as unknown as PageGlobals).log.includes('from the other tab'),
    );
    await writer.evaluate(async () => {
      const s = new (globalThis as unknown as PageGlobals).SC.IndexedDBOutboxStore('watched');
      await s.delete('w1');
    });
    await watcher.waitForFunction(() => (globalThis as unknown as PageGlobals).log.at(-1) === '');
    await watcher.close();
    await writer.close();
  });
});

describe('WebLockOutboxLock', () => {
  const acquire = (p: Page, tag: string) =>
    p.evaluate((tag) => {
      const g = globalThis as unknown as PageGlobals;
      void new g.SC.WebLockOutboxLock('lock-test').acquire().then((release) => {
        g.log.push(`${tag} holds`);
        g.released.set(tag, release);
      });
    }, tag);
  const log = (p: Page) => p.evaluate(() => [...(globalThis as unknown as PageGlobals).log]);

  it('lets one tab send at a time, and hands over on release', async () => {
    const a = await newPage();
    const b = await newPage();
    await acquire(a, 'a');
    await a.waitForFunction(() => (globalThis as unknown as PageGlobals).log.includes('a holds'));
    await acquire(b, 'b');
    // b's request is queued behind a's: the browser reports it pending, not held.
    const state = await b.evaluate(() => navigator.locks.query());
    expect(state.held?.map((l) => l.name)).toEqual(['segmentchat-outbox:lock-test']);
    expect(state.pending?.map((l) => l.name)).toEqual(['segmentchat-outbox:lock-test']);
    expect(await log(b)).toEqual([]);
    await a.evaluate(() => (globalThis as unknown as PageGlobals).released.get('a')!());
    await b.waitForFunction(() => (globalThis as unknown as PageGlobals).log.includes('b holds'));
    await b.evaluate(() => (globalThis as unknown as PageGlobals).released.get('b')!());
    await a.close();
    await b.close();
  });

  it('passes to the next tab when the holder closes without releasing', async () => {
    const a = await newPage();
    const b = await newPage();
    await acquire(a, 'a');
    await a.waitForFunction(() => (globalThis as unknown as PageGlobals).log.includes('a holds'));
    await acquire(b, 'b');
    expect(await log(b)).toEqual([]);
    await a.close();
    await b.waitForFunction(() => (globalThis as unknown as PageGlobals).log.includes('b holds'));
    await b.close();
  });
});

describe('IndexedDBCacheStore', () => {
  const msg = (channelId: string, seq: number, rev = seq, text = `m${seq}`): Message => ({
    id: `${channelId}-${seq}`,
    channelId,
    seq,
    rev,
    authorId: 'u1',
    authorName: 'alice',
    clientMsgId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    kind: 'text',
    text,
    attachments: [],
    createdAt: 1_700_000_000_000 + seq,
    editedAt: null,
    deleted: false,
  });
  const user = { id: 'u1', username: 'alice', role: 'user' as const, mustChangePassword: false };
  const channel = (id: string) => ({
    id,
    kind: 'channel' as const,
    name: id,
    description: '',
    visibility: 'public' as const,
    ownerId: null,
    createdAt: 1,
    memberCount: 1,
    joined: true,
    lastSeq: 0,
    rev: 0,
    readSeq: 0,
    peerId: null,
  });
  /** Writes the batches through a fresh store, then loads through another (as after a reload). */
  const run = async (name: string, batches: CacheWrite[], keep?: number): Promise<CacheSnapshot | null> => {
    const p = await ready();
    return p.evaluate(
      async ({ name, batches, keep }) => {
        const { SC } = globalThis as unknown as PageGlobals;
        const options = keep === undefined ? {} : { messagesPerChannel: keep };
        const writer = new SC.IndexedDBCacheStore(name, options);
        for (const b of batches) await writer.write(b);
        await writer.close();
        const reader = new SC.IndexedDBCacheStore(name, options);
        const snapshot = await reader.load();
        await reader.close();
        return snapshot;
      },
      { name, batches, keep },
    );
  };

  it('is empty until a user is written', async () => {
    expect(await run('cache-empty', [])).toBeNull();
    expect(await run('cache-no-user', [{ channels: [channel('c1')] }])).toBeNull();
  });

  it('keeps the user, channels, messages by channel in seq order, and cursors', async () => {
    const snap = await run('cache-basic', [
      { user, channels: [channel('c1'), channel('c2')] },
      { messages: [msg('c1', 2), msg('c2', 1), msg('c1', 1)], cursors: { c1: 2, c2: 1 } },
    ]);
    expect(snap).toEqual({
      user,
      channels: [channel('c1'), channel('c2')],
      messages: { c1: [msg('c1', 1), msg('c1', 2)], c2: [msg('c2', 1)] },
      cursors: { c1: 2, c2: 1 },
    });
  });

  it('keeps the newest revision of a message, whatever the write order', async () => {
    const snap = await run('cache-rev', [
      { user, messages: [msg('c1', 1, 5, 'edited')] },
      { messages: [msg('c1', 1, 1, 'original'), msg('c1', 2, 3, 'b'), msg('c1', 2, 2, 'older b')] },
    ]);
    expect(snap?.messages.c1?.map((m) => m.text)).toEqual(['edited', 'b']);
  });

  it('keeps only the newest messages of each channel', async () => {
    const many = Array.from({ length: 30 }, (_, i) => msg('c1', i + 1));
    const snap = await run('cache-trim', [{ user, messages: many }, { messages: [msg('c2', 1)] }], 10);
    expect(snap?.messages.c1?.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
    expect(snap?.messages.c2?.map((m) => m.seq)).toEqual([1]);
  });

  it('forgets a removed channel with its messages and cursor, and everything on clear', async () => {
    const removed = await run('cache-remove', [
      {
        user,
        channels: [channel('c1'), channel('c2')],
        messages: [msg('c1', 1), msg('c2', 1)],
        cursors: { c1: 1, c2: 1 },
      },
      { removeChannels: ['c1'] },
    ]);
    expect(removed?.channels.map((c) => c.id)).toEqual(['c2']);
    expect(Object.keys(removed?.messages ?? {})).toEqual(['c2']);
    expect(removed?.cursors).toEqual({ c2: 1 });
    expect(await run('cache-clear', [{ user, messages: [msg('c1', 1)] }, { clear: true }])).toBeNull();
  });

  it('writes a batch all or nothing', async () => {
    const p = await ready();
    const outcome = await p.evaluate(async () => {
      const { SC } = globalThis as unknown as PageGlobals;
      const store = new SC.IndexedDBCacheStore('cache-atomic');
      await store.write({ user: { id: 'u1', username: 'alice', role: 'user', mustChangePassword: false } });
      // A message IndexedDB cannot store (a function is not cloneable) fails the whole batch.
      const bad = { channelId: 'c1', seq: 1, rev: 1, text: () => 1 } as unknown as Message;
      const error = await store.write({ cursors: { c1: 9 }, messages: [bad] }).then(
        () => null,
        (e: unknown) => String(e),
      );
      return { error, snapshot: await store.load() };
    });
    expect(outcome.error).not.toBeNull();
    expect(outcome.snapshot?.cursors).toEqual({});
  });

  it('forgets everything on destroy, even a write that arrives after it', async () => {
    const p = await ready();
    const out = await p.evaluate(async () => {
      const { SC } = globalThis as unknown as PageGlobals;
      const user = { id: 'u1', username: 'alice', role: 'user' as const, mustChangePassword: false };
      const a = new SC.IndexedDBCacheStore('cache-destroy');
      await a.write({ user });
      await a.destroy();
      await a.write({ user }); // the client's last flush, after sign-out
      const names = (await indexedDB.databases()).map((d) => d.name);
      return { names, snapshot: await new SC.IndexedDBCacheStore('cache-destroy').load() };
    });
    expect(out.names).not.toContain('segmentchat-cache:cache-destroy');
    expect(out.snapshot).toBeNull();
  });

  it('keeps members and presence for offline use', async () => {
    const p = await ready();
    const out = await p.evaluate(async () => {
      const { SC } = globalThis as unknown as PageGlobals;
      const a = new SC.IndexedDBCacheStore('cache-members');
      await a.saveMembers('c1', [{ userId: 'u2', username: 'bob', role: 'user', isOwner: false }]);
      await a.savePresence([{ userId: 'u2', username: 'bob', status: 'online', lastSeen: null }]);
      await a.close();
      const b = new SC.IndexedDBCacheStore('cache-members');
      return { members: await b.members('c1'), none: await b.members('c2'), presence: await b.presence() };
    });
    expect(out.members?.map((m) => m.username)).toEqual(['bob']);
    expect(out.none).toBeNull();
    expect(out.presence.map((p) => p.username)).toEqual(['bob']);
  });
});
