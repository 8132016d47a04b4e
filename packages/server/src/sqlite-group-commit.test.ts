import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteGroupCommit } from './sqlite-group-commit.ts';

describe('SqliteGroupCommit', () => {
  let dir: string;
  let db: BetterSqlite3.Database;
  let group: SqliteGroupCommit;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = new BetterSqlite3(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v >= 0))');
    db.prepare("INSERT INTO t VALUES ('a', 0)").run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    group = new SqliteGroupCommit(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Pages written to the WAL: a page changed by n commits is written n times, by one commit once. */
  const walFrames = () => {
    const size = statSync(join(dir, 'db.sqlite-wal')).size;
    return size === 0 ? 0 : (size - 32) / (24 + (db.pragma('page_size', { simple: true }) as number));
  };
  const bump = () => group.run(() => db.prepare("UPDATE t SET v = v + 1 WHERE id = 'a'").run().changes);

  it('commits the writes of one turn together, and answers each after the commit', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, bump));
    expect(answers).toEqual(Array(10).fill(1));
    expect(db.prepare("SELECT v FROM t WHERE id = 'a'").pluck().get()).toBe(10);
    expect(walFrames()).toBe(1);
    // One turn after another: a commit each.
    for (let i = 0; i < 3; i++) await bump();
    expect(walFrames()).toBe(4);
  });

  it('undoes only the write that threw', async () => {
    const insert = (id: string, v: number) =>
      group.run(() => {
        db.prepare('INSERT INTO t VALUES (?, 0)').run(id);
        db.prepare('UPDATE t SET v = ? WHERE id = ?').run(v, id); // v < 0 breaks the CHECK
        return id;
      });
    const results = await Promise.allSettled([insert('b', 1), insert('c', -1), insert('d', 2)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual(['a', 'b', 'd']);
  });

  it('commits what is queued when flushed (before the database closes)', () => {
    void bump();
    void bump();
    group.flush();
    expect(db.prepare("SELECT v FROM t WHERE id = 'a'").pluck().get()).toBe(2);
  });
});
