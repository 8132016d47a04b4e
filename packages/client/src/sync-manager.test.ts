import type { Message, RequestParams, RequestResult } from '@segmentchat/protocol';
import { describe, expect, it } from 'vitest';
import { SyncManager } from './sync-manager.ts';

const msg = (channelId: string, seq: number, rev = seq): Message => ({
  id: `${channelId}-${seq}`,
  channelId,
  seq,
  rev,
  authorId: 'u',
  authorName: 'u',
  clientMsgId: `c${seq}`,
  kind: 'text',
  text: `${seq}`,
  attachments: [],
  createdAt: 1,
  editedAt: null,
  deleted: false,
});

/** A server's sync over an in-memory change log, paging by `limit` like the real one. */
function fakeServer(log: Record<string, Message[]>, limit = 3) {
  const calls: Record<string, number>[] = [];
  const sync = async (p: RequestParams<'sync'>): Promise<RequestResult<'sync'>> => {
    calls.push({ ...p.cursors });
    const changes: Message[] = [];
    const cursors: Record<string, number> = {};
    let hasMore = false;
    for (const [id, after] of Object.entries(p.cursors)) {
      const page = (log[id] ?? []).filter((m) => m.rev > after).slice(0, limit - changes.length);
      changes.push(...page);
      cursors[id] = page.at(-1)?.rev ?? after;
      if ((log[id] ?? []).some((m) => m.rev > cursors[id]!)) hasMore = true;
    }
    return { changes, cursors, hasMore };
  };
  return { sync, calls };
}

describe('SyncManager', () => {
  it('pages until the server has nothing more, across channels, moving each cursor', async () => {
    const server = fakeServer({
      a: [1, 2, 3, 4, 5].map((s) => msg('a', s)),
      b: [1, 2].map((s) => msg('b', s)),
    });
    const sync = new SyncManager(server.sync);
    const got: string[] = [];
    sync.on('changes', (ms) => got.push(...ms.map((m) => `${m.channelId}${m.seq}`)));
    sync.track('a', 1);
    sync.track('b', 0);
    await sync.run();
    expect(got).toEqual(['a2', 'a3', 'a4', 'a5', 'b1', 'b2']);
    expect([sync.cursor('a'), sync.cursor('b')]).toEqual([5, 2]);
    expect(server.calls.length).toBe(2);
  });

  it('advances on the next live rev, and a gap triggers a sync that fills it', async () => {
    const log = { a: [1, 2, 3, 4].map((s) => msg('a', s)) };
    const server = fakeServer(log, 10);
    const sync = new SyncManager(server.sync);
    const got: number[] = [];
    sync.on('changes', (ms) => got.push(...ms.map((m) => m.seq)));
    sync.track('a', 0);
    expect(sync.live(msg('a', 1))).toBe(true);
    expect(sync.cursor('a')).toBe(1);
    expect(server.calls.length).toBe(0);
    expect(sync.live(msg('a', 4))).toBe(false); // 2 and 3 were lost
    await sync.run(); // joins the run the gap started
    expect(got).toEqual([2, 3, 4]);
    expect(sync.cursor('a')).toBe(4);
    const calls = server.calls.length;
    expect(sync.live(msg('a', 3))).toBe(false); // old: no sync
    expect(sync.live(msg('a', 5))).toBe(true);
    expect(server.calls.length).toBe(calls);
  });

  it('never moves a cursor backwards when live events overtook a page in flight', async () => {
    let release!: () => void;
    const sync = new SyncManager(async (p) => {
      await new Promise<void>((r) => (release = r));
      return { changes: [msg('a', 2)], cursors: { a: Math.max(2, p.cursors.a!) }, hasMore: false };
    });
    sync.track('a', 1);
    const run = sync.run();
    sync.live(msg('a', 2));
    sync.live(msg('a', 3));
    release();
    await run;
    expect(sync.cursor('a')).toBe(3);
  });

  it('refuses to loop forever on a server that says "more" without progress', async () => {
    const sync = new SyncManager(async (p) => ({ changes: [], cursors: { ...p.cursors }, hasMore: true }));
    sync.track('a', 0);
    await expect(sync.run()).rejects.toThrow('no progress');
  });

  it('forgets untracked channels', async () => {
    const server = fakeServer({ a: [msg('a', 1)] });
    const sync = new SyncManager(server.sync);
    sync.track('a', 0);
    sync.untrack('a');
    await sync.run();
    expect(server.calls).toEqual([]);
    expect(sync.live(msg('a', 1))).toBe(false);
  });

  describe('the first page, answered by hello', () => {
    it('is taken without a sync request when it covers every channel', async () => {
      const server = fakeServer({ a: [1, 2, 3].map((s) => msg('a', s)), b: [msg('b', 1)] }, 10);
      const sync = new SyncManager(server.sync);
      const got: string[] = [];
      sync.on('changes', (ms) => got.push(...ms.map((m) => `${m.channelId}${m.seq}`)));
      sync.track('a', 1);
      sync.track('b', 0);
      const asked = sync.helloParams()!;
      expect(asked).toEqual({ cursors: { a: 1, b: 0 } });
      await sync.resume(await server.sync(asked));
      expect(got).toEqual(['a2', 'a3', 'b1']);
      expect([sync.cursor('a'), sync.cursor('b')]).toEqual([3, 1]);
      expect(server.calls).toHaveLength(1); // the one "hello" made
    });

    it('is followed by sync from where it ended when the server has more', async () => {
      const server = fakeServer({ a: [1, 2, 3, 4, 5].map((s) => msg('a', s)) }, 2);
      const sync = new SyncManager(server.sync);
      sync.track('a', 0);
      await sync.resume(await server.sync(sync.helloParams()!));
      expect(sync.cursor('a')).toBe(5);
      expect(server.calls).toEqual([{ a: 0 }, { a: 2 }, { a: 4 }]);
    });

    it('is not applied to a channel reset since the hello was sent, which syncs on its own', async () => {
      // The server's data was replaced: the client had rev 9, the server's channel is at rev 2.
      const server = fakeServer({ a: [1, 2].map((s) => msg('a', s)), b: [msg('b', 1)] }, 10);
      const sync = new SyncManager(server.sync);
      const got: string[] = [];
      sync.on('changes', (ms) => got.push(...ms.map((m) => `${m.channelId}${m.seq}`)));
      sync.track('a', 9);
      sync.track('b', 0);
      const page = await server.sync(sync.helloParams()!);
      expect(page.cursors.a).toBe(9);
      sync.untrack('a'); // what the client does when hello shows a channel behind its cursor
      sync.track('a', 0);
      await sync.resume(page);
      expect(sync.cursor('a')).toBe(2); // not 9, the page's
      expect(got).toEqual(['b1', 'a1', 'a2']);
      expect(server.calls).toEqual([
        { a: 9, b: 0 },
        { a: 0, b: 1 },
      ]);
    });

    it('still continues a channel that live events moved on meanwhile', async () => {
      const server = fakeServer({ a: [1, 2, 3, 4].map((s) => msg('a', s)) }, 10);
      const sync = new SyncManager(server.sync);
      sync.track('a', 1);
      const page = await server.sync(sync.helloParams()!);
      expect(sync.live(msg('a', 2))).toBe(true);
      await sync.resume(page);
      expect(sync.cursor('a')).toBe(4);
      expect(server.calls).toHaveLength(1);
    });

    it('means a plain run when hello brought none', async () => {
      const server = fakeServer({ a: [msg('a', 1)] });
      const sync = new SyncManager(server.sync);
      expect(sync.helloParams()).toBeUndefined(); // nothing tracked: nothing to ask
      sync.track('a', 0);
      await sync.resume(undefined);
      expect(sync.cursor('a')).toBe(1);
    });
  });
});
