import type { OutboxStore, PendingMessage } from './outbox-store.ts';

/** The default store: survives reconnects, not restarts. Map order is insertion order. */
export class MemoryOutboxStore implements OutboxStore {
  private readonly entries = new Map<string, PendingMessage>();

  async load(): Promise<PendingMessage[]> {
    return [...this.entries.values()].map((e) => structuredClone(e));
  }

  async put(entry: PendingMessage): Promise<void> {
    this.entries.set(entry.clientMsgId, structuredClone(entry));
  }

  async delete(clientMsgId: string): Promise<void> {
    this.entries.delete(clientMsgId);
  }
}
