import { openDB } from 'idb';
import type { IDBPDatabase } from 'idb';
import type { ImageOutboxStore, QueuedImageMessage } from './image-outbox.ts';

const STORE = 'messages';

/**
 * Queued image messages in IndexedDB, one database per account (like the SDK's outbox), image
 * bytes stored as Blobs. Writes use strict durability: resolved means on disk.
 */
export class IndexedDBImageOutboxStore implements ImageOutboxStore {
  private db: Promise<IDBPDatabase> | null = null;

  constructor(private readonly userId: string) {}

  private open(): Promise<IDBPDatabase> {
    this.db ??= openDB(`segmentchat-image-outbox-${this.userId}`, 1, {
      upgrade(db) {
        db.createObjectStore(STORE, { keyPath: 'clientMsgId' });
      },
    });
    return this.db;
  }

  async load(): Promise<QueuedImageMessage[]> {
    return (await (await this.open()).getAll(STORE)) as QueuedImageMessage[];
  }

  async put(entry: QueuedImageMessage): Promise<void> {
    const tx = (await this.open()).transaction(STORE, 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.put(entry), tx.done]);
  }

  async delete(clientMsgId: string): Promise<void> {
    const tx = (await this.open()).transaction(STORE, 'readwrite', { durability: 'strict' });
    await Promise.all([tx.store.delete(clientMsgId), tx.done]);
  }
}
