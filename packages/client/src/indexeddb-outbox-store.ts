import { ReopeningDatabase, committed, settle } from './indexeddb-database.ts';
import type { OutboxStore, PendingMessage } from './outbox-store.ts';

const ENTRIES = 'entries';
const BY_ID = 'clientMsgId';

/**
 * Browser outbox store: one IndexedDB database per account, shared by every tab of that account.
 * Entries live under an auto-increment key, so `load` (key order) returns them in the order they
 * were first put; a put of a known clientMsgId rewrites the same key, keeping its place. Writes
 * commit with `durability: 'strict'`, so a resolved `put` survives a closed tab or a crashed
 * browser. Each write is announced on a BroadcastChannel named after the database; `watch`
 * listens there, so other tabs reload their outbox (a message one tab wrote shows as pending in
 * the other, and disappears from both when the sending tab gets its ack).
 */
export class IndexedDBOutboxStore implements OutboxStore {
  readonly databaseName: string;
  private readonly database: ReopeningDatabase;
  private channel: BroadcastChannel | null = null;
  private readonly watchers = new Set<() => void>();
  private notifyScheduled = false;

  /** `name` identifies the account (its user id): each account has its own outbox. */
  constructor(name: string) {
    this.databaseName = `segmentchat-outbox:${name}`;
    this.database = new ReopeningDatabase(this.databaseName, 1, (db) => {
      const store = db.createObjectStore(ENTRIES, { autoIncrement: true });
      store.createIndex(BY_ID, 'clientMsgId', { unique: true });
    });
  }

  async load(): Promise<PendingMessage[]> {
    const db = await this.database.get();
    const tx = db.transaction(ENTRIES, 'readonly');
    return settle(tx.objectStore(ENTRIES).getAll() as IDBRequest<PendingMessage[]>);
  }

  async put(entry: PendingMessage): Promise<void> {
    const db = await this.database.get();
    const tx = db.transaction(ENTRIES, 'readwrite', { durability: 'strict' });
    const done = committed(tx);
    const store = tx.objectStore(ENTRIES);
    const key = await settle(store.index(BY_ID).getKey(entry.clientMsgId));
    if (key === undefined) store.add(entry);
    else store.put(entry, key);
    await done;
    this.announce();
  }

  async delete(clientMsgId: string): Promise<void> {
    const db = await this.database.get();
    const tx = db.transaction(ENTRIES, 'readwrite', { durability: 'strict' });
    const done = committed(tx);
    const store = tx.objectStore(ENTRIES);
    const key = await settle(store.index(BY_ID).getKey(clientMsgId));
    if (key !== undefined) store.delete(key);
    await done;
    if (key !== undefined) this.announce();
  }

  watch(onChange: () => void): () => void {
    this.watchers.add(onChange);
    this.broadcast();
    return () => {
      this.watchers.delete(onChange);
    };
  }

  async close(): Promise<void> {
    this.watchers.clear();
    this.channel?.close();
    this.channel = null;
    await this.database.close();
  }

  /** The channel is opened lazily: a store nobody watches still tells the others it changed. */
  private broadcast(): BroadcastChannel | null {
    if (this.channel || typeof BroadcastChannel === 'undefined') return this.channel;
    this.channel = new BroadcastChannel(this.databaseName);
    this.channel.onmessage = () => {
      // A burst of writes elsewhere (an ack per message) becomes one reload here.
      if (this.notifyScheduled) return;
      this.notifyScheduled = true;
      setTimeout(() => {
        this.notifyScheduled = false;
        for (const w of [...this.watchers]) w();
      }, 0);
    };
    return this.channel;
  }

  private announce(): void {
    this.broadcast()?.postMessage('changed');
  }
}
