import type { ImageOutboxStore, QueuedImageMessage } from './image-outbox.ts';

/** For tests and browsers without IndexedDB: the queue lives as long as the page. */
export class MemoryImageOutboxStore implements ImageOutboxStore {
  private readonly map = new Map<string, QueuedImageMessage>();
  async load(): Promise<QueuedImageMessage[]> {
    return [...this.map.values()];
  }
  async put(entry: QueuedImageMessage): Promise<void> {
    this.map.set(entry.clientMsgId, entry);
  }
  async delete(clientMsgId: string): Promise<void> {
    this.map.delete(clientMsgId);
  }
}
