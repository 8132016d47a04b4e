import { describe, expect, it } from 'vitest';
import type { NewMessage, Store, UserRow } from '../src/store.ts';

let n = 0;
function user(role: UserRow['role'] = 'user'): UserRow {
  n++;
  return {
    id: `u${n}`,
    username: `user${n}`,
    usernameKey: `user${n}`,
    skeleton: `user${n}`,
    passwordHash: null,
    role,
    mustChangePassword: false,
    createdAt: n,
    expiresAt: role === 'visitor' ? 1000 : null,
    disabled: false,
    lastSeen: null,
  };
}

function msg(
  channelId: string,
  author: UserRow,
  text: string,
  clientMsgId = crypto.randomUUID(),
): NewMessage {
  return {
    id: crypto.randomUUID(),
    channelId,
    authorId: author.id,
    authorName: author.username,
    clientMsgId,
    kind: 'text',
    text,
    attachments: [],
    createdAt: Date.now(),
  };
}

/**
 * What every `Store` must do, whatever it is built on. A Postgres store runs this same suite.
 * `make` returns a fresh, empty store.
 */
export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    async function setup() {
      const store = await make();
      const a = user();
      const b = user();
      await store.createUser(a);
      await store.createUser(b);
      await store.createChannel({
        id: 'c1',
        kind: 'channel',
        name: 'c-one',
        description: '',
        visibility: 'public',
        ownerId: a.id,
        createdAt: 1,
        dmUsers: null,
      });
      await store.addMember('c1', a.id, 1);
      return { store, a, b };
    }

    it('records last seen for many users in one call', async () => {
      const { store, a, b } = await setup();
      await store.setLastSeen([
        { userId: a.id, at: 111 },
        { userId: b.id, at: 222 },
      ]);
      expect((await store.findUserById(a.id))?.lastSeen).toBe(111);
      expect((await store.findUserById(b.id))?.lastSeen).toBe(222);
      await store.setLastSeen([]);
      expect((await store.findUserById(b.id))?.lastSeen).toBe(222);
    });

    it('refuses a second user with the same skeleton', async () => {
      const { store, a } = await setup();
      expect(await store.createUser({ ...user(), skeleton: a.skeleton })).toBe(false);
      await store.close();
    });

    it('gives appended messages consecutive seq and rev, and dedups on (author, clientMsgId)', async () => {
      const { store, a } = await setup();
      const dup = crypto.randomUUID();
      const r = await store.appendMessages([
        msg('c1', a, 'one', dup),
        msg('c1', a, 'two'),
        msg('c1', a, 'again', dup),
        msg('nope', a, 'x'),
      ]);
      expect(r.map((x) => x.status)).toEqual(['created', 'created', 'duplicate', 'refused']);
      const [one, two, again] = r.map((x) => ('message' in x ? x.message : undefined));
      expect([one!.seq, two!.seq]).toEqual([1, 2]);
      expect([one!.rev, two!.rev]).toEqual([1, 2]);
      expect(again).toEqual(one);
      expect((await store.findChannel('c1'))?.lastSeq).toBe(2);
      await store.close();
    });

    it('keeps a clientMsgId to its first message: the same author gets it back, another a conflict', async () => {
      const { store, a, b } = await setup();
      await store.addMember('c1', b.id, 1);
      const id = crypto.randomUUID();
      const [first] = await store.appendMessages([msg('c1', a, 'mine', id)]);
      const r = await store.appendMessages([msg('c1', b, 'squat', id), msg('c1', a, 'mine again', id)]);
      expect(r).toEqual([
        { status: 'conflict' },
        { status: 'duplicate', message: (first as { message: unknown }).message },
      ]);
      expect(await store.findByClientMsgId(a.id, id)).toMatchObject({ text: 'mine' });
      expect(await store.findByClientMsgId(b.id, id)).toBeUndefined();
      expect((await store.history('c1', undefined, 10)).messages.map((m) => m.text)).toEqual(['mine']);
      expect(await store.findChannel('c1')).toMatchObject({ lastSeq: 1, rev: 1 });
      await store.close();
    });

    it('returns changes after any rev, in rev order and cut at any limit, through edits and deletes', async () => {
      const { store, a } = await setup();
      // A fixed pseudo-random mix of batches, edits and deletes; the model is every message's rev.
      let seed = 7;
      const random = (k: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % k;
      const revs = new Map<string, number>();
      for (let step = 0; step < 60; step++) {
        if (revs.size === 0 || random(3) > 0) {
          const batch = Array.from({ length: 1 + random(6) }, (_, i) => msg('c1', a, `s${step}.${i}`));
          for (const x of await store.appendMessages(batch))
            if (x.status === 'created') revs.set(x.message.id, x.message.rev);
        } else {
          const ids = [...revs.keys()];
          const id = ids[random(ids.length)]!;
          const m = await store.updateMessage(id, {
            text: 'changed',
            deleted: random(2) === 0,
            editedAt: step,
          });
          revs.set(id, m.rev);
        }
      }
      const top = Math.max(...revs.values());
      expect(await store.findChannel('c1')).toMatchObject({ rev: top });
      for (let after = 0; after <= top; after++) {
        const expected = [...revs].filter(([, rev]) => rev > after).sort((x, y) => x[1] - y[1]);
        for (const limit of [1, 3, 1000]) {
          const got = await store.changesSince('c1', after, limit);
          expect(got.map((m) => [m.id, m.rev])).toEqual(expected.slice(0, limit));
        }
      }
      await store.close();
    });

    it('refuses a message that cannot be stored without a gap or losing the rest of its batch', async () => {
      const { store, a } = await setup();
      const ghost = user(); // never created: its messages break the author foreign key
      const r = await store.appendMessages([msg('c1', a, 'one'), msg('c1', ghost, 'x'), msg('c1', a, 'two')]);
      expect(r.map((x) => x.status)).toEqual(['created', 'refused', 'created']);
      const { messages } = await store.history('c1', undefined, 10);
      expect(messages.map((m) => [m.text, m.seq, m.rev])).toEqual([
        ['one', 1, 1],
        ['two', 2, 2],
      ]);
      expect(await store.findChannel('c1')).toMatchObject({ lastSeq: 2, rev: 2 });
      await store.close();
    });

    it('returns a created message exactly as it reads back, and counts on after an edit', async () => {
      const { store, a } = await setup();
      const [first] = await store.appendMessages([msg('c1', a, 'one')]);
      const created = first!.status === 'created' ? first!.message : undefined;
      expect(await store.findMessage(created!.id)).toEqual(created);
      await store.updateMessage(created!.id, { text: 'uno', deleted: false, editedAt: 5 });
      const [second] = await store.appendMessages([msg('c1', a, 'two')]);
      expect(second).toMatchObject({ status: 'created', message: { seq: 2, rev: 3 } });
      expect(await store.findChannel('c1')).toMatchObject({ lastSeq: 2, rev: 3 });
      await store.close();
    });

    it('raises rev on edit and delete, and returns changes after a rev in rev order', async () => {
      const { store, a } = await setup();
      const r = await store.appendMessages([msg('c1', a, 'one'), msg('c1', a, 'two'), msg('c1', a, 'three')]);
      const first = r[0]!.status === 'created' ? r[0]!.message : undefined;
      const edited = await store.updateMessage(first!.id, { text: 'uno', deleted: false, editedAt: 5 });
      expect(edited).toMatchObject({ rev: 4, seq: 1, text: 'uno', editedAt: 5 });
      const changes = await store.changesSince('c1', 1, 10);
      expect(changes.map((m) => [m.text, m.rev])).toEqual([
        ['two', 2],
        ['three', 3],
        ['uno', 4],
      ]);
      const deleted = await store.updateMessage(first!.id, { text: '', deleted: true, editedAt: 6 });
      expect(deleted).toMatchObject({ rev: 5, deleted: true, text: '' });
      await store.close();
    });

    it('pages history newest-first into ascending pages', async () => {
      const { store, a } = await setup();
      await store.appendMessages(Array.from({ length: 5 }, (_, i) => msg('c1', a, `m${i + 1}`)));
      const page = await store.history('c1', undefined, 2);
      expect(page.messages.map((m) => m.seq)).toEqual([4, 5]);
      expect(page.hasMore).toBe(true);
      const rest = await store.history('c1', 4, 10);
      expect(rest.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
      expect(rest.hasMore).toBe(false);
      await store.close();
    });

    it('tracks membership, member counts and what a user sees', async () => {
      const { store, a, b } = await setup();
      await store.createChannel({
        id: 'p1',
        kind: 'channel',
        name: 'hidden',
        description: '',
        visibility: 'private',
        ownerId: a.id,
        createdAt: 2,
        dmUsers: null,
      });
      await store.addMember('p1', a.id, 2);
      expect(await store.addMember('p1', a.id, 3)).toBe(false);
      expect((await store.listChannels(b.id, true)).map((c) => c.id)).toEqual(['c1']);
      expect((await store.listChannels(a.id, true)).map((c) => c.id).sort()).toEqual(['c1', 'p1']);
      // A member's own channels: not the public ones it is not in.
      expect(await store.listMemberChannels(b.id)).toEqual([]);
      expect((await store.listMemberChannels(a.id)).map((c) => [c.id, c.joined])).toEqual([
        ['c1', true],
        ['p1', true],
      ]);
      expect(await store.shareChannel(a.id, b.id)).toBe(false);
      await store.addMember('c1', b.id, 4);
      expect((await store.listMemberChannels(b.id)).map((c) => c.id)).toEqual(['c1']);
      expect(await store.shareChannel(a.id, b.id)).toBe(true);
      expect(await store.channelView('c1', b.id)).toMatchObject({ joined: true, memberCount: 2 });
      expect(await store.channelAccess('c1', b.id)).toEqual({
        kind: 'channel',
        visibility: 'public',
        member: true,
      });
      expect(await store.removeMember('c1', b.id)).toBe(true);
      expect(await store.channelView('c1', b.id)).toMatchObject({ joined: false, memberCount: 1 });
      expect(await store.channelAccess('c1', b.id)).toMatchObject({ member: false });
      expect(await store.channelAccess('p1', a.id)).toEqual({
        kind: 'channel',
        visibility: 'private',
        member: true,
      });
      expect(await store.channelAccess('nope', a.id)).toBeUndefined();
      await store.close();
    });

    it('answers channelAccess from the latest membership, whatever changed it', async () => {
      const { store, a, b } = await setup();
      // Asked first, so a store that remembers answers has something to forget.
      expect(await store.channelAccess('c1', b.id)).toMatchObject({ member: false });
      await store.addMember('c1', b.id, 2);
      expect(await store.channelAccess('c1', b.id)).toMatchObject({ member: true });
      await store.removeMember('c1', b.id);
      expect(await store.channelAccess('c1', b.id)).toMatchObject({ member: false });
      // A visitor's memberships go when the sweep deletes it.
      const v = user('visitor');
      await store.createUser(v);
      await store.addMember('c1', v.id, 1);
      expect(await store.channelAccess('c1', v.id)).toMatchObject({ member: true });
      await store.sweepExpired(5000);
      expect(await store.channelAccess('c1', v.id)).toMatchObject({ member: false });
      expect(await store.channelAccess('c1', a.id)).toMatchObject({ member: true });
      // A channel created after a miss is found.
      expect(await store.channelAccess('later', a.id)).toBeUndefined();
      await store.createChannel({
        id: 'later',
        kind: 'channel',
        name: 'later',
        description: '',
        visibility: 'private',
        ownerId: a.id,
        createdAt: 3,
        dmUsers: null,
      });
      expect(await store.channelAccess('later', a.id)).toEqual({
        kind: 'channel',
        visibility: 'private',
        member: false,
      });
      await store.close();
    });

    it('names a DM after the peer for each side', async () => {
      const { store, a, b } = await setup();
      await store.createChannel({
        id: 'd1',
        kind: 'dm',
        name: 'dm',
        description: '',
        visibility: 'private',
        ownerId: null,
        createdAt: 3,
        dmUsers: [a.id, b.id],
      });
      expect((await store.findDm(b.id, a.id))?.id).toBe('d1');
      expect(await store.channelView('d1', a.id)).toMatchObject({ name: b.username, peerId: b.id });
      expect(await store.channelView('d1', b.id)).toMatchObject({ name: a.username, peerId: a.id });
      await store.close();
    });

    it('sweeps expired sessions and visitors, keeping their messages', async () => {
      const { store, a } = await setup();
      const v = user('visitor');
      await store.createUser(v);
      await store.addMember('c1', v.id, 1);
      await store.createSession({ tokenHash: 'old', userId: a.id, createdAt: 0, expiresAt: 10 });
      await store.createSession({ tokenHash: 'new', userId: a.id, createdAt: 0, expiresAt: 10_000 });
      const [r] = await store.appendMessages([msg('c1', v, 'from a visitor')]);
      expect(await store.sweepExpired(5000)).toEqual({ sessions: 1, visitors: 1 });
      expect(await store.findSession('new')).toBeDefined();
      expect(await store.findUserById(v.id)).toBeUndefined();
      const kept = await store.findMessage(r!.status === 'created' ? r!.message.id : '');
      expect(kept).toMatchObject({ authorId: null, authorName: v.username });
      expect((await store.findChannel('c1'))?.memberCount).toBe(1);
      await store.close();
    });

    it('turns a visitor into an account with the same id', async () => {
      const { store } = await setup();
      const v = user('visitor');
      await store.createUser(v);
      expect(
        await store.upgradeVisitor(v.id, {
          username: 'grown',
          usernameKey: 'grown',
          skeleton: 'grown',
          passwordHash: 'h',
        }),
      ).toBe(true);
      expect(await store.findUserById(v.id)).toMatchObject({
        role: 'user',
        username: 'grown',
        expiresAt: null,
      });
      expect(
        await store.upgradeVisitor(v.id, {
          username: 'again',
          usernameKey: 'again',
          skeleton: 'again',
          passwordHash: 'h',
        }),
      ).toBe(false);
      await store.close();
    });
  });
}
