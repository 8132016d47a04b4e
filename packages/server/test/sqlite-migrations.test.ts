import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Message } from '@segmentchat/protocol';
import { SqliteAdminStore } from '../src/sqlite-admin-store.ts';
import { migrate } from '../src/sqlite-migrations.ts';
import { SqliteStore } from '../src/sqlite-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'segmentchat-migrations-'));

const photo = { id: 'a'.repeat(64), mime: 'image/png', width: 4, height: 3, bytes: 99 } as const;

/** The messages an older server stored, as the Store returns them. */
const old: Message[] = [
  {
    id: 'm1',
    channelId: 'c1',
    seq: 1,
    rev: 1,
    authorId: 'ann',
    authorName: 'ann',
    clientMsgId: '0190a6e0-0000-7000-8000-000000000001',
    kind: 'text',
    text: 'hello',
    attachments: [],
    createdAt: 10,
    editedAt: null,
    deleted: false,
  },
  {
    id: 'm2',
    channelId: 'c1',
    seq: 2,
    rev: 4,
    authorId: 'bo',
    authorName: 'bo',
    clientMsgId: '0190a6e0-0000-7000-8000-000000000002',
    kind: 'text',
    text: 'look (edited)',
    attachments: [photo],
    createdAt: 11,
    editedAt: 15,
    deleted: false,
  },
  {
    id: 'm3',
    channelId: 'c1',
    seq: 3,
    rev: 3,
    authorId: null,
    authorName: 'Deleted user',
    clientMsgId: '0190a6e0-0000-7000-8000-000000000003',
    kind: 'text',
    text: 'gone',
    attachments: [],
    createdAt: 12,
    editedAt: null,
    deleted: false,
  },
  {
    id: 'm4',
    channelId: 'c2',
    seq: 1,
    rev: 1,
    authorId: 'ann',
    authorName: 'ann',
    clientMsgId: '0190a6e0-0000-7000-8000-000000000004',
    kind: 'system',
    text: 'ann started a live stream',
    attachments: [],
    createdAt: 13,
    editedAt: null,
    deleted: false,
  },
];

/** A database as a server with migrations 1-3 left it: two users, two channels, messages. */
function makeVersion3(path: string): void {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, 3);
  expect(db.pragma('user_version', { simple: true })).toBe(3);
  const user = db.prepare(
    `INSERT INTO users (id, username, username_key, skeleton, role, created_at) VALUES (?, ?, ?, ?, 'user', 1)`,
  );
  for (const id of ['ann', 'bo']) user.run(id, id, id, id);
  const channel = db.prepare(
    `INSERT INTO channels (id, kind, name, description, visibility, created_at, last_seq, rev, member_count)
     VALUES (?, 'channel', ?, '', 'public', 1, ?, ?, 2)`,
  );
  channel.run('c1', 'one', 3, 4);
  channel.run('c2', 'two', 1, 1);
  const member = db.prepare('INSERT INTO members (channel_id, user_id, joined_at) VALUES (?, ?, 1)');
  for (const c of ['c1', 'c2']) for (const u of ['ann', 'bo']) member.run(c, u);
  const message = db.prepare(
    `INSERT INTO messages (id, channel_id, seq, rev, author_id, author_name, client_msg_id, kind, text, attachments, created_at, edited_at, deleted)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const m of old) {
    message.run(
      m.id,
      m.channelId,
      m.seq,
      m.rev,
      m.authorId,
      m.authorName,
      m.clientMsgId,
      m.kind,
      m.text,
      JSON.stringify(m.attachments),
      m.createdAt,
      m.editedAt,
      m.deleted ? 1 : 0,
    );
  }
  db.close();
}

describe('SQLite migrations', () => {
  it('moves the messages of a version 3 database into the table without foreign keys, intact', async () => {
    const path = join(dir, 'v3.db');
    makeVersion3(path);
    const store = new SqliteStore(path);
    const db = store.database;
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.pragma('foreign_key_list(messages)')).toEqual([]);
    expect(await store.integrityCheck()).toBe('ok');

    expect((await store.history('c1', undefined, 10)).messages).toEqual(old.slice(0, 3));
    expect((await store.history('c2', undefined, 10)).messages).toEqual([old[3]]);
    expect(await store.changesSince('c1', 0, 10)).toEqual([old[0], old[2], old[1]]);
    for (const m of old) expect(await store.findMessage(m.id)).toEqual(m);
    expect(await store.findByClientMsgId('bo', old[1]!.clientMsgId)).toEqual(old[1]);

    // Sending goes on from the stored counters, and a resend of an old message is still a duplicate.
    const send = (clientMsgId: string, authorId = 'ann', channelId = 'c1') => ({
      id: `new-${clientMsgId}`,
      channelId,
      authorId,
      authorName: authorId,
      clientMsgId,
      kind: 'text' as const,
      text: 'after the upgrade',
      attachments: [],
      createdAt: 20,
    });
    const [created, again, ghost, nowhere] = await store.appendMessages([
      send('0190a6e0-0000-7000-8000-000000000005'),
      send(old[0]!.clientMsgId),
      send('0190a6e0-0000-7000-8000-000000000006', 'nobody'),
      send('0190a6e0-0000-7000-8000-000000000007', 'ann', 'nope'),
    ]);
    expect(created).toMatchObject({ status: 'created', message: { seq: 4, rev: 5 } });
    expect(again).toEqual({ status: 'duplicate', message: old[0] });
    expect(ghost).toMatchObject({ status: 'refused' });
    expect(nowhere).toMatchObject({ status: 'refused' });
    expect(await store.findChannel('c1')).toMatchObject({ lastSeq: 4, rev: 5 });
    expect((await store.appendMessages([send('0190a6e0-0000-7000-8000-000000000005')]))[0]).toMatchObject({
      status: 'duplicate',
      message: { seq: 4 },
    });

    // What the foreign keys did on delete, the triggers do.
    db.prepare('DELETE FROM users WHERE id = ?').run('bo');
    expect(await store.findMessage('m2')).toMatchObject({ authorId: null, text: 'look (edited)' });
    await new SqliteAdminStore(db).deleteChannel('c2');
    expect(await store.findMessage('m4')).toBeUndefined();
    expect((await store.history('c1', undefined, 10)).messages).toHaveLength(4);
    expect(await store.integrityCheck()).toBe('ok');
    await store.close();

    // Reopened, nothing migrates twice.
    const reopened = new SqliteStore(path);
    expect(reopened.database.pragma('user_version', { simple: true })).toBe(4);
    expect((await reopened.history('c1', undefined, 10)).messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    await reopened.close();
  });
});
