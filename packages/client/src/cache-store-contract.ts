import type { Channel, Message, User } from '@segmentchat/protocol';
import { describe, expect, it } from 'vitest';
import type { CacheStore } from './cache-store.ts';

/**
 * The contract every `CacheStore` passes. `open(name)` returns a store over the storage called
 * `name`; with `durable`, opening the same name again must see what was written.
 */
export function cacheStoreContract(
  label: string,
  open: (name: string) => Promise<CacheStore>,
  options: { durable: boolean },
): void {
  let counter = 0;
  const fresh = () => `${label}-${Date.now()}-${counter++}`;
  const user: User = { id: 'u1', username: 'alice', role: 'user', mustChangePassword: false };
  const channel = (id: string, over: Partial<Channel> = {}): Channel => ({
    id,
    kind: 'channel',
    name: id,
    description: '',
    visibility: 'public',
    ownerId: null,
    createdAt: 1,
    memberCount: 1,
    joined: true,
    lastSeq: 0,
    rev: 0,
    readSeq: 0,
    peerId: null,
    ...over,
  });
  const msg = (channelId: string, seq: number, over: Partial<Message> = {}): Message => ({
    id: `${channelId}-${seq}`,
    channelId,
    seq,
    rev: seq,
    authorId: 'u1',
    authorName: 'alice',
    clientMsgId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    kind: 'text',
    text: `m${seq}`,
    attachments: [],
    createdAt: seq,
    editedAt: null,
    deleted: false,
    ...over,
  });

  describe(`CacheStore contract: ${label}`, () => {
    it('is empty (null) until a user is written', async () => {
      const store = await open(fresh());
      expect(await store.load()).toBeNull();
    });

    it('keeps user, channels, messages by seq (newest rev wins) and cursors', async () => {
      const store = await open(fresh());
      await store.write({
        user,
        channels: [channel('a'), channel('b')],
        messages: [msg('a', 2), msg('a', 1)],
        cursors: { a: 2 },
      });
      await store.write({
        messages: [msg('a', 1, { rev: 5, text: 'edited' }), msg('a', 2, { rev: 1 }), msg('b', 1)],
        cursors: { a: 5, b: 1 },
      });
      await store.write({ channels: [channel('a', { readSeq: 2 })] });
      const snap = (await store.load())!;
      expect(snap.user).toEqual(user);
      expect(snap.channels.map((c) => c.id).sort()).toEqual(['a', 'b']);
      expect(snap.channels.find((c) => c.id === 'a')?.readSeq).toBe(2);
      expect(snap.messages.a!.map((m) => [m.seq, m.text])).toEqual([
        [1, 'edited'],
        [2, 'm2'],
      ]);
      expect(snap.messages.b!.map((m) => m.seq)).toEqual([1]);
      expect(snap.cursors).toEqual({ a: 5, b: 1 });
    });

    it('removes a channel with its messages and cursor, and clears everything', async () => {
      const store = await open(fresh());
      await store.write({
        user,
        channels: [channel('a'), channel('b')],
        messages: [msg('a', 1), msg('b', 1)],
        cursors: { a: 1, b: 1 },
      });
      await store.write({ removeChannels: ['a'] });
      const snap = (await store.load())!;
      expect(snap.channels.map((c) => c.id)).toEqual(['b']);
      expect(snap.messages.a ?? []).toEqual([]);
      expect(snap.cursors).toEqual({ b: 1 });
      await store.write({ clear: true, user: { ...user, id: 'u2' } });
      const after = (await store.load())!;
      expect(after.user?.id).toBe('u2');
      expect(after.channels).toEqual([]);
      expect(after.cursors).toEqual({});
    });

    it.runIf(options.durable)('survives being reopened', async () => {
      const name = fresh();
      const a = await open(name);
      await a.write({ user, channels: [channel('a')], messages: [msg('a', 1)], cursors: { a: 1 } });
      const b = await open(name);
      expect((await b.load())?.messages.a?.map((m) => m.text)).toEqual(['m1']);
    });
  });
}
