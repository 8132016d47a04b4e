import { statSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import type { AuditEntry, Role, Visibility } from '@segmentchat/protocol';
import { DELETED_USER_NAME } from './admin-store.ts';
import { toUser } from './sqlite-store.ts';
import type { AdminChannelRow, AdminStore, AdminUserRow, NewAuditEntry, Paged } from './admin-store.ts';

type Row = Record<string, unknown>;

/** `q` as a LIKE pattern that matches it literally anywhere. */
function contains(q: string): string {
  return `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function toAdminUser(r: Row): AdminUserRow {
  return { ...toUser(r), messageCount: r.message_count as number };
}

function toAdminChannel(r: Row): AdminChannelRow {
  return {
    id: r.id as string,
    name: r.name as string,
    description: r.description as string,
    visibility: r.visibility as Visibility,
    ownerId: r.owner_id as string | null,
    ownerName: r.owner_name as string | null,
    createdAt: r.created_at as number,
    memberCount: r.member_count as number,
    messageCount: r.message_count as number,
  };
}

function toAudit(r: Row): AuditEntry {
  return {
    id: r.id as number,
    at: r.at as number,
    actorId: r.actor_id as string | null,
    actorName: r.actor_name as string,
    action: r.action as AuditEntry['action'],
    target: r.target as string,
    detail: r.detail as string,
    ip: r.ip as string,
  };
}

const CHANNEL_SELECT = `
  SELECT c.*, u.username AS owner_name,
    (SELECT COUNT(*) FROM messages m WHERE m.channel_id = c.id AND m.deleted = 0) AS message_count
  FROM channels c LEFT JOIN users u ON u.id = c.owner_id`;

/** The admin store on the chat store's own SQLite connection (one writer, no lock waits). */
export class SqliteAdminStore implements AdminStore {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private q(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const r = this.q('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r?.value as string | undefined;
  }
  async setMeta(key: string, value: string): Promise<void> {
    this.q(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(key, value);
  }

  async listUsers(q: string, offset: number, limit: number): Promise<Paged<AdminUserRow>> {
    const like = contains(q);
    const total = (
      this.q(`SELECT COUNT(*) AS n FROM users WHERE username_key LIKE ? ESCAPE '\\'`).get(like) as Row
    ).n as number;
    const rows = this.q(
      `SELECT u.*, (SELECT COUNT(*) FROM messages m WHERE m.author_id = u.id) AS message_count
       FROM users u WHERE u.username_key LIKE ? ESCAPE '\\' ORDER BY u.username_key LIMIT ? OFFSET ?`,
    ).all(like, limit, offset) as Row[];
    return { rows: rows.map(toAdminUser), total };
  }
  async messageCount(userId: string): Promise<number> {
    return (this.q('SELECT COUNT(*) AS n FROM messages WHERE author_id = ?').get(userId) as Row).n as number;
  }
  async setDisabled(userId: string, disabled: boolean): Promise<void> {
    this.q('UPDATE users SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, userId);
  }
  async setRole(userId: string, role: Role): Promise<void> {
    this.q('UPDATE users SET role = ? WHERE id = ?').run(role, userId);
  }
  async countActiveAdmins(): Promise<number> {
    return (this.q(`SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND disabled = 0`).get() as Row)
      .n as number;
  }
  async deleteUser(userId: string): Promise<{ channels: string[]; messageIds: string[] }> {
    return this.db.transaction(() => {
      const channels = (this.q('SELECT channel_id FROM members WHERE user_id = ?').all(userId) as Row[]).map(
        (r) => r.channel_id as string,
      );
      for (const ch of channels)
        this.q('UPDATE channels SET member_count = member_count - 1 WHERE id = ?').run(ch);
      // Each message moves to a new rev of its channel: clients that sync see the new author.
      const messages = this.q(
        'SELECT id, channel_id FROM messages WHERE author_id = ? ORDER BY channel_id, rev',
      ).all(userId) as Row[];
      for (const m of messages) {
        const c = this.q('UPDATE channels SET rev = rev + 1 WHERE id = ? RETURNING rev').get(
          m.channel_id,
        ) as Row;
        this.q('UPDATE messages SET author_id = NULL, author_name = ?, rev = ? WHERE id = ?').run(
          DELETED_USER_NAME,
          c.rev,
          m.id,
        );
      }
      this.q('DELETE FROM users WHERE id = ?').run(userId);
      return { channels, messageIds: messages.map((m) => m.id as string) };
    })();
  }

  async listChannels(q: string, offset: number, limit: number): Promise<Paged<AdminChannelRow>> {
    const like = contains(q);
    const total = (
      this.q(`SELECT COUNT(*) AS n FROM channels WHERE kind = 'channel' AND name LIKE ? ESCAPE '\\'`).get(
        like,
      ) as Row
    ).n as number;
    const rows = this.q(
      `${CHANNEL_SELECT} WHERE c.kind = 'channel' AND c.name LIKE ? ESCAPE '\\' ORDER BY c.name, c.created_at LIMIT ? OFFSET ?`,
    ).all(like, limit, offset) as Row[];
    return { rows: rows.map(toAdminChannel), total };
  }
  async findChannel(id: string): Promise<AdminChannelRow | undefined> {
    const r = this.q(`${CHANNEL_SELECT} WHERE c.id = ? AND c.kind = 'channel'`).get(id) as Row | undefined;
    return r && toAdminChannel(r);
  }
  async updateChannel(
    id: string,
    change: {
      name?: string | undefined;
      description?: string | undefined;
      visibility?: Visibility | undefined;
    },
  ): Promise<void> {
    this.q(
      `UPDATE channels SET name = COALESCE(?, name), description = COALESCE(?, description),
       visibility = COALESCE(?, visibility) WHERE id = ?`,
    ).run(change.name ?? null, change.description ?? null, change.visibility ?? null, id);
  }
  async deleteChannel(id: string): Promise<string[]> {
    return this.db.transaction(() => {
      const members = (this.q('SELECT user_id FROM members WHERE channel_id = ?').all(id) as Row[]).map(
        (r) => r.user_id as string,
      );
      this.q('DELETE FROM channels WHERE id = ?').run(id);
      return members;
    })();
  }

  async appendAudit(e: NewAuditEntry): Promise<void> {
    this.q(
      'INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ).run(e.at, e.actorId, e.actorName, e.action, e.target, e.detail, e.ip);
  }
  async listAudit(offset: number, limit: number): Promise<Paged<AuditEntry>> {
    const total = (this.q('SELECT COUNT(*) AS n FROM audit_log').get() as Row).n as number;
    const rows = this.q('SELECT * FROM audit_log ORDER BY id DESC LIMIT ? OFFSET ?').all(
      limit,
      offset,
    ) as Row[];
    return { rows: rows.map(toAudit), total };
  }

  async databaseBytes(): Promise<number> {
    const file = this.db.name;
    let bytes = 0;
    for (const path of [file, `${file}-wal`]) {
      try {
        bytes += statSync(path).size;
      } catch {
        // No WAL yet, or an in-memory database.
      }
    }
    return bytes;
  }
}
