import type { Database } from 'better-sqlite3';

/**
 * Versioned schema changes, applied in order and recorded in `PRAGMA user_version`. Never edit
 * a shipped migration; add the next one.
 */
const migrations: string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    skeleton TEXT NOT NULL UNIQUE,
    password_hash TEXT,
    role TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    last_seen INTEGER
  );
  CREATE INDEX users_expires ON users(expires_at) WHERE expires_at IS NOT NULL;

  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE INDEX sessions_expires ON sessions(expires_at);

  CREATE TABLE channels (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    visibility TEXT NOT NULL,
    owner_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 0,
    member_count INTEGER NOT NULL DEFAULT 0,
    invite_code TEXT UNIQUE,
    dm_a TEXT,
    dm_b TEXT
  );
  -- Only public names are unique: a private channel's name must not reveal that it exists.
  CREATE UNIQUE INDEX channels_public_name ON channels(name) WHERE kind = 'channel' AND visibility = 'public';
  CREATE UNIQUE INDEX channels_dm ON channels(dm_a, dm_b) WHERE kind = 'dm';

  CREATE TABLE members (
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    joined_at INTEGER NOT NULL,
    read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (channel_id, user_id)
  ) WITHOUT ROWID;
  CREATE INDEX members_user ON members(user_id, channel_id);

  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rev INTEGER NOT NULL,
    author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    author_name TEXT NOT NULL,
    client_msg_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL,
    edited_at INTEGER,
    deleted INTEGER NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX messages_seq ON messages(channel_id, seq);
  CREATE UNIQUE INDEX messages_rev ON messages(channel_id, rev);
  -- Exactly-once: a resend of the same clientMsgId by the same author finds the first copy.
  CREATE UNIQUE INDEX messages_dedup ON messages(author_id, client_msg_id) WHERE author_id IS NOT NULL;
  `,
  // 2. Admin (issue 6): server facts such as "the first admin was created" (so a deleted or
  // renamed admin is never recreated), and the audit log of admin actions.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  INSERT INTO meta (key, value) SELECT 'admin_created', '1' WHERE EXISTS (SELECT 1 FROM users WHERE role = 'admin');
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT NOT NULL
  );
  `,
  // 3. Uploads (issue 5). Files are content-addressed (id = sha256 of the stored bytes), so one
  // file can be uploaded by several people into several channels: one row per (file, channel,
  // uploader). A file is served to whoever may read one of its channels; a message may carry only
  // files its author uploaded into that channel, so "posted in" is always among these rows.
  `
  CREATE TABLE uploads (
    id TEXT NOT NULL,
    mime TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    uploader_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    channel_id TEXT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    UNIQUE (id, channel_id, uploader_id)
  );
  CREATE INDEX uploads_channel ON uploads(channel_id);
  `,
  // 4. Cheaper appends (issue 7). Every message was written into two per-channel indexes (seq and
  // rev) and a per-author dedup index; with a few hundred messages per commit spread over many
  // channels and authors, each of those put a page per channel or author into the WAL.
  // - rev: a new message's rev is the channel's next change number, and stays so until it is
  //   edited, deleted or re-attributed. created_rev keeps it, so unchanged messages are found by
  //   seq (created_rev grows with seq), and only changed ones (created_rev IS NOT rev) are indexed
  //   by rev. Rows from before this migration count as changed unless plainly untouched; their
  //   creation rev is lost, so they get the one of the unchanged message before them (or 0): a
  //   lower bound, below their rev, that keeps created_rev growing with seq for the search.
  // - dedup: clientMsgIds are unique on their own (version 7 UUIDs, time first, so the index
  //   grows at its end); a reused one names its first message, and the author is checked on
  //   conflict. Any reuse already stored keeps its first copy's id and gets a suffix. Messages
  //   are still found by author (a deleted user's or an expired visitor's messages keep their
  //   text under a name, a rename renames them, the admin counts them) through a narrower index
  //   on author_id alone.
  `
  ALTER TABLE messages ADD COLUMN created_rev INTEGER;
  UPDATE messages SET created_rev = rev WHERE edited_at IS NULL AND author_id IS NOT NULL;
  WITH before AS (
    SELECT rowid AS r, MAX(created_rev) OVER (PARTITION BY channel_id ORDER BY seq) AS v FROM messages
  )
  UPDATE messages SET created_rev = COALESCE(before.v, 0)
    FROM before WHERE messages.rowid = before.r AND messages.created_rev IS NULL;
  DROP INDEX messages_rev;
  CREATE INDEX messages_changed ON messages(channel_id, rev) WHERE created_rev IS NOT rev;
  DROP INDEX messages_dedup;
  UPDATE messages SET client_msg_id = client_msg_id || '#' || id
    WHERE rowid NOT IN (SELECT min(rowid) FROM messages GROUP BY client_msg_id);
  CREATE UNIQUE INDEX messages_client_msg_id ON messages(client_msg_id);
  CREATE INDEX messages_author ON messages(author_id);
  `,
];

/** Brings the schema up to `target` (all migrations; tests stop earlier to build old files). */
export function migrate(db: Database, target = migrations.length): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`Database schema ${current} is newer than this server (${migrations.length})`);
  }
  for (let v = current; v < target; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
