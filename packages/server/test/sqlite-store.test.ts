import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteAdminStore } from '../src/sqlite-admin-store.ts';
import { migrate } from '../src/sqlite-migrations.ts';
import { LIST_CHANNELS, SqliteStore } from '../src/sqlite-store.ts';
import type { UserRow } from '../src/store.ts';
import { storeContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'segmentchat-store-'));
let i = 0;
storeContract('SQLite', async () => new SqliteStore(join(dir, `store-${++i}.db`)));

describe('SqliteStore', () => {
  it('migrates a fresh file and reopens it without migrating twice', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteStore(path);
    await first.createChannel({
      id: 'x',
      kind: 'channel',
      name: 'x-chan',
      description: '',
      visibility: 'public',
      ownerId: null,
      createdAt: 1,
      dmUsers: null,
    });
    await first.close();
    const second = new SqliteStore(path);
    expect((await second.findChannel('x'))?.name).toBe('x-chan');
    expect(await second.integrityCheck()).toBe('ok');
    await second.close();
  });

  it('moves a schema-3 file to lean message indexes without changing what sync returns', async () => {
    const path = join(dir, 'schema3.db');
    const old = new BetterSqlite3(path);
    migrate(old, 3);
    old.exec(`INSERT INTO users (id, username, username_key, skeleton, role, created_at)
      VALUES ('u1', 'ann', 'ann', 'ann', 'user', 1), ('u2', 'bo', 'bo', 'bo', 'user', 1);
      INSERT INTO channels (id, kind, name, description, visibility, created_at) VALUES ('c', 'channel', 'c', '', 'public', 1);`);
    const insert = old.prepare(`INSERT INTO messages (id, channel_id, seq, rev, author_id, author_name,
      client_msg_id, kind, text, created_at, edited_at) VALUES (?, 'c', ?, ?, ?, ?, ?, 'text', ?, 1, ?)`);
    // As schema 3 stored them: plain messages, an edit, a reused clientMsgId (another author),
    // and a deleted author's message moved to a later rev.
    insert.run('m1', 1, 1, 'u1', 'ann', 'k1', 'one', null);
    insert.run('m2', 2, 6, 'u1', 'ann', 'k2', 'two, edited', 5);
    insert.run('m3', 3, 3, 'u2', 'bo', 'k1', 'same id, other author', null);
    insert.run('m4', 4, 7, null, 'Deleted user', 'k4', 'orphan', null);
    insert.run('m5', 5, 5, 'u1', 'ann', 'k5', 'five', null);
    old.exec(`UPDATE channels SET last_seq = 5, rev = 7 WHERE id = 'c'`);
    const before = (after: number) =>
      (old.prepare('SELECT id FROM messages WHERE rev > ? ORDER BY rev').all(after) as { id: string }[]).map(
        (r) => r.id,
      );
    const expected = Array.from({ length: 8 }, (_, after) => before(after));
    old.close();

    const store = new SqliteStore(path);
    // Every row has a creation rev that grows with seq (the edited and re-attributed ones get the
    // one before them), and it is below the rev of each changed row.
    const rows = store.database.prepare('SELECT seq, rev, created_rev FROM messages ORDER BY seq').all() as {
      seq: number;
      rev: number;
      created_rev: number;
    }[];
    expect(rows.map((r) => r.created_rev)).toEqual([1, 1, 3, 3, 5]);
    expect(rows.filter((r) => r.created_rev !== r.rev).map((r) => r.seq)).toEqual([2, 4]);
    for (let after = 0; after < 8; after++)
      expect((await store.changesSince('c', after, 100)).map((m) => m.id)).toEqual(expected[after]);
    // The first message keeps its clientMsgId; the later reuse was renamed, and stays its author's.
    expect(await store.findByClientMsgId('u1', 'k1')).toMatchObject({ id: 'm1' });
    expect(await store.findByClientMsgId('u2', 'k1')).toBeUndefined();
    expect(await store.findByClientMsgId('u2', 'k1#m3')).toMatchObject({ id: 'm3' });
    const plan = store.database
      .prepare(
        `EXPLAIN QUERY PLAN SELECT * FROM messages WHERE channel_id = ? AND rev > ? AND created_rev IS NOT rev ORDER BY rev LIMIT ?`,
      )
      .all('c', 0, 10) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('messages_changed');
    // Finding a user's messages (a deleted user's, a rename) still uses an index, not a scan.
    const byAuthor = store.database
      .prepare(`EXPLAIN QUERY PLAN UPDATE messages SET author_name = ? WHERE author_id = ?`)
      .all('x', 'u1') as { detail: string }[];
    expect(byAuthor.map((p) => p.detail).join(' ')).toContain('messages_author');
    expect(await store.integrityCheck()).toBe('ok');
    await store.close();
  });

  it("lists a user's channels from indexes, never scanning every channel and DM", async () => {
    const store = new SqliteStore(join(dir, 'list-plan.db'));
    const plan = (
      store.database.prepare(`EXPLAIN QUERY PLAN ${LIST_CHANNELS}`).all({ viewer: 'u', priv: 1 }) as {
        detail: string;
      }[]
    ).map((p) => p.detail);
    expect(plan.filter((d) => /^SCAN c\b/.test(d) && !d.includes('USING INDEX'))).toEqual([]);
    expect(plan.join(' | ')).toContain('members_user');
    await store.close();
  });

  it('forgets remembered access when the admin store changes members or channels with its own SQL', async () => {
    const store = new SqliteStore(join(dir, 'access.db'));
    const admin = new SqliteAdminStore(store.database);
    const person = (id: string): UserRow => ({
      id,
      username: id,
      usernameKey: id,
      skeleton: id,
      passwordHash: null,
      role: 'user',
      mustChangePassword: false,
      createdAt: 1,
      expiresAt: null,
      disabled: false,
      lastSeen: null,
    });
    for (const id of ['ann', 'bo']) await store.createUser(person(id));
    for (const id of ['c1', 'c2']) {
      await store.createChannel({
        id,
        kind: 'channel',
        name: id,
        description: '',
        visibility: 'public',
        ownerId: null,
        createdAt: 1,
        dmUsers: null,
      });
      for (const u of ['ann', 'bo']) await store.addMember(id, u, 1);
    }
    for (const c of ['c1', 'c2'])
      for (const u of ['ann', 'bo']) expect(await store.channelAccess(c, u)).toMatchObject({ member: true });

    await admin.updateChannel('c1', { visibility: 'private' });
    expect(await store.channelAccess('c1', 'ann')).toEqual({
      kind: 'channel',
      visibility: 'private',
      member: true,
    });
    await admin.deleteUser('bo');
    expect(await store.channelAccess('c1', 'bo')).toMatchObject({ member: false });
    expect(await store.channelAccess('c2', 'bo')).toMatchObject({ member: false });
    await admin.deleteChannel('c2');
    expect(await store.channelAccess('c2', 'ann')).toBeUndefined();
    expect(await store.channelAccess('c1', 'ann')).toMatchObject({ member: true });
    await store.close();
  });
});
