import type { Channel, Member, Message, Presence, User } from '@segmentchat/protocol';
import type { CacheSnapshot, CacheStore, CacheWrite } from './cache-store.ts';
import { ReopeningDatabase, committed, deleteDatabase, settle } from './indexeddb-database.ts';

const META = 'meta';
const CHANNELS = 'channels';
const MESSAGES = 'messages';
const CURSORS = 'cursors';
const MEMBERS = 'members';
const ALL = [META, CHANNELS, MESSAGES, CURSORS, MEMBERS];

export interface IndexedDBCacheOptions {
  /** Newest messages kept per channel (default 200); older ones are fetched again when scrolled to. */
  messagesPerChannel?: number;
}

/**
 * Browser cache of what the app needs to open with no network: the signed-in user, channels,
 * the newest messages of each channel, the sync cursors, and (for the people list and the
 * members dialog) presence and channel members. One database per account. `write` applies a
 * batch in one IndexedDB transaction, so a cursor never lands without the messages it covers.
 */
export class IndexedDBCacheStore implements CacheStore {
  readonly databaseName: string;
  private readonly database: ReopeningDatabase;
  private readonly keep: number;
  /** Set by `destroy`: a late write (the client's final flush) must not recreate the database. */
  private destroyed = false;

  /** `name` identifies the account (its user id). */
  constructor(name: string, options: IndexedDBCacheOptions = {}) {
    this.databaseName = `segmentchat-cache:${name}`;
    this.keep = options.messagesPerChannel ?? 200;
    this.database = new ReopeningDatabase(this.databaseName, 1, (db) => {
      db.createObjectStore(META);
      db.createObjectStore(CHANNELS, { keyPath: 'id' });
      db.createObjectStore(MESSAGES, { keyPath: ['channelId', 'seq'] });
      db.createObjectStore(CURSORS);
      db.createObjectStore(MEMBERS);
    });
  }

  async load(): Promise<CacheSnapshot | null> {
    const db = await this.database.get();
    const tx = db.transaction([META, CHANNELS, MESSAGES, CURSORS], 'readonly');
    const [user, channels, messages, cursorKeys, cursorValues] = await Promise.all([
      settle(tx.objectStore(META).get('user') as IDBRequest<User | undefined>),
      settle(tx.objectStore(CHANNELS).getAll() as IDBRequest<Channel[]>),
      // Keys are [channelId, seq], so this comes grouped by channel, ascending by seq.
      settle(tx.objectStore(MESSAGES).getAll() as IDBRequest<Message[]>),
      settle(tx.objectStore(CURSORS).getAllKeys() as IDBRequest<string[]>),
      settle(tx.objectStore(CURSORS).getAll() as IDBRequest<number[]>),
    ]);
    if (!user) return null;
    const byChannel: Record<string, Message[]> = {};
    for (const m of messages) (byChannel[m.channelId] ??= []).push(m);
    const cursors: Record<string, number> = {};
    cursorKeys.forEach((k, i) => (cursors[k] = cursorValues[i]!));
    return { user, channels, messages: byChannel, cursors };
  }

  async write(batch: CacheWrite): Promise<void> {
    if (this.destroyed) return;
    const db = await this.database.get();
    const tx = db.transaction(ALL, 'readwrite');
    const done = committed(tx);
    try {
      await this.apply(tx, batch);
    } catch (error) {
      tx.abort();
      await done.catch(() => undefined);
      throw error;
    }
    await done;
  }

  /** Members last seen for a channel, for the members dialog when offline. */
  async members(channelId: string): Promise<Member[] | null> {
    const db = await this.database.get();
    const tx = db.transaction(MEMBERS, 'readonly');
    return (await settle(tx.objectStore(MEMBERS).get(channelId) as IDBRequest<Member[] | undefined>)) ?? null;
  }

  async saveMembers(channelId: string, members: readonly Member[]): Promise<void> {
    if (this.destroyed) return;
    const db = await this.database.get();
    const tx = db.transaction(MEMBERS, 'readwrite');
    tx.objectStore(MEMBERS).put([...members], channelId);
    await committed(tx);
  }

  /** The people list last seen (statuses are stale offline; the app shows them as offline). */
  async presence(): Promise<Presence[]> {
    const db = await this.database.get();
    const tx = db.transaction(META, 'readonly');
    return (await settle(tx.objectStore(META).get('presence') as IDBRequest<Presence[] | undefined>)) ?? [];
  }

  async savePresence(presence: readonly Presence[]): Promise<void> {
    if (this.destroyed) return;
    const db = await this.database.get();
    const tx = db.transaction(META, 'readwrite');
    tx.objectStore(META).put([...presence], 'presence');
    await committed(tx);
  }

  close(): Promise<void> {
    return this.database.close();
  }

  /** Forgets everything (sign-out on a shared computer). */
  async destroy(): Promise<void> {
    this.destroyed = true;
    await this.close();
    await deleteDatabase(this.databaseName);
  }

  private async apply(tx: IDBTransaction, batch: CacheWrite): Promise<void> {
    const meta = tx.objectStore(META);
    const channels = tx.objectStore(CHANNELS);
    const messages = tx.objectStore(MESSAGES);
    const cursors = tx.objectStore(CURSORS);
    const members = tx.objectStore(MEMBERS);
    if (batch.clear) for (const name of ALL) tx.objectStore(name).clear();
    if (batch.user) meta.put(batch.user, 'user');
    for (const c of batch.channels ?? []) channels.put(c);
    for (const id of batch.removeChannels ?? []) {
      channels.delete(id);
      messages.delete(channelRange(id));
      cursors.delete(id);
      members.delete(id);
    }
    // Newest revision wins, within the batch and against what is stored.
    const newest = new Map<string, Message>();
    for (const m of batch.messages ?? []) {
      const key = `${m.channelId}\u0000${m.seq}`;
      const seen = newest.get(key);
      if (!seen || seen.rev < m.rev) newest.set(key, m);
    }
    const touched = new Set<string>();
    await Promise.all(
      [...newest.values()].map(async (m) => {
        const old = await settle(messages.get([m.channelId, m.seq]) as IDBRequest<Message | undefined>);
        if (!old || old.rev < m.rev) messages.put(m);
        touched.add(m.channelId);
      }),
    );
    for (const [id, rev] of Object.entries(batch.cursors ?? {})) cursors.put(rev, id);
    await Promise.all([...touched].map((id) => trim(messages, id, this.keep)));
  }
}

function channelRange(channelId: string): IDBKeyRange {
  return IDBKeyRange.bound([channelId, 0], [channelId, Infinity]);
}

/** Deletes a channel's oldest messages beyond `keep`. */
async function trim(messages: IDBObjectStore, channelId: string, keep: number): Promise<void> {
  const range = channelRange(channelId);
  const count = await settle(messages.count(range));
  if (count <= keep) return;
  const keys = await settle(messages.getAllKeys(range, count - keep));
  for (const key of keys) messages.delete(key);
}
