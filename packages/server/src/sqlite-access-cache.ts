import type { Database, Statement } from 'better-sqlite3';
import type { ChannelAccess } from './store.ts';

/** What the access rule reads of one channel, and the answers to "is this user a member?". */
interface CachedChannel {
  kind: ChannelAccess['kind'];
  visibility: ChannelAccess['visibility'];
  members: Map<string, boolean>;
}

/** Past this many remembered answers everything is dropped: a bound, not an eviction policy. */
const MAX_ANSWERS = 200_000;

/**
 * Who may write where, remembered: every `message.send` asks, and one SQLite read costs 4–8 us
 * here (each autocommit read takes WAL locks with syscalls), a tenth of a message's whole cost.
 *
 * SQLite itself says when to forget. Temporary triggers on `members` and on a channel's kind,
 * visibility or deletion call back into this cache from inside the statement that made the
 * change, whatever code ran it: a join or leave, an admin's kick, a deleted user's or channel's
 * memberships going with it (foreign-key cascades fire triggers too). So a removed member is
 * refused from the very next request. A rolled-back change only makes the cache forget more.
 *
 * Changes committed by another process would not be seen: the server is the only writer of
 * memberships (the admin CLI resets passwords only), as the gateway's subscriptions assume too.
 */
export class SqliteAccessCache {
  private readonly channels = new Map<string, CachedChannel>();
  private answers = 0;
  private readonly channelStmt: Statement;
  private readonly memberStmt: Statement;

  constructor(db: Database) {
    db.function('segmentchat_forget_channel', (channelId: unknown) => {
      const c = this.channels.get(channelId as string);
      if (c) this.answers -= c.members.size;
      this.channels.delete(channelId as string);
      return null;
    });
    db.exec(`
      CREATE TEMP TRIGGER access_member_added AFTER INSERT ON main.members
        BEGIN SELECT segmentchat_forget_channel(NEW.channel_id); END;
      CREATE TEMP TRIGGER access_member_removed AFTER DELETE ON main.members
        BEGIN SELECT segmentchat_forget_channel(OLD.channel_id); END;
      CREATE TEMP TRIGGER access_channel_changed AFTER UPDATE OF kind, visibility ON main.channels
        BEGIN SELECT segmentchat_forget_channel(OLD.id); END;
      CREATE TEMP TRIGGER access_channel_deleted AFTER DELETE ON main.channels
        BEGIN SELECT segmentchat_forget_channel(OLD.id); END;
    `);
    this.channelStmt = db.prepare('SELECT kind, visibility FROM channels WHERE id = ?');
    this.memberStmt = db.prepare('SELECT 1 FROM members WHERE channel_id = ? AND user_id = ?').pluck();
  }

  /** Undefined when the channel does not exist (not remembered: it may be created later). */
  get(channelId: string, userId: string): ChannelAccess | undefined {
    let c = this.channels.get(channelId);
    let member = c?.members.get(userId);
    if (c && member !== undefined) return { kind: c.kind, visibility: c.visibility, member };
    if (this.answers >= MAX_ANSWERS) {
      this.channels.clear();
      this.answers = 0;
      c = undefined;
    }
    if (!c) {
      const row = this.channelStmt.get(channelId) as Pick<CachedChannel, 'kind' | 'visibility'> | undefined;
      if (!row) return undefined;
      c = { kind: row.kind, visibility: row.visibility, members: new Map() };
      this.channels.set(channelId, c);
    }
    member = this.memberStmt.get(channelId, userId) !== undefined;
    c.members.set(userId, member);
    this.answers++;
    return { kind: c.kind, visibility: c.visibility, member };
  }
}
