import { openDB, type IDBPDatabase } from 'idb';
import type { DirectEntry, DirectMessageStore } from '@segmentchat/client';

/**
 * Direct DMs of one account in IndexedDB (`segmentchat-direct-<userId>`). The server never had
 * them, so this is their only copy: it survives reloads and is kept at sign-out (like the
 * outbox), since wiping it would lose them for good.
 */
export class IndexedDBDirectMessageStore implements DirectMessageStore {
  private db: Promise<IDBPDatabase> | null = null;

  constructor(private readonly userId: string) {}

  async load(): Promise<DirectEntry[]> {
    return ((await (await this.open()).getAll('messages')) as DirectEntry[]).sort(
      (a, b) => a.createdAt - b.createdAt,
    );
  }

  async put(entry: DirectEntry): Promise<void> {
    await (await this.open()).put('messages', entry);
  }

  async delete(clientMsgId: string): Promise<void> {
    await (await this.open()).delete('messages', clientMsgId);
  }

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(`segmentchat-direct-${this.userId}`, 1, {
      upgrade(db) {
        db.createObjectStore('messages', { keyPath: 'clientMsgId' });
      },
    }).then((db) => {
      // Another tab upgrading the schema must not wait on this connection.
      db.addEventListener('versionchange', () => db.close());
      return db;
    });
    return this.db;
  }
}
