import type { Channel, Message, User } from '@segmentchat/protocol';
import type { CacheSnapshot, CacheStore, CacheWrite } from './cache-store.ts';

/** A CacheStore in memory: for tests, and to share state between clients in one process. */
export class MemoryCacheStore implements CacheStore {
  private user: User | null = null;
  private readonly channels = new Map<string, Channel>();
  private readonly messages = new Map<string, Map<number, Message>>();
  private readonly cursors = new Map<string, number>();

  async load(): Promise<CacheSnapshot | null> {
    if (!this.user) return null;
    const messages: Record<string, Message[]> = {};
    for (const [id, bySeq] of this.messages) messages[id] = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    return structuredClone({
      user: this.user,
      channels: [...this.channels.values()],
      messages,
      cursors: Object.fromEntries(this.cursors),
    });
  }

  async write(batch: CacheWrite): Promise<void> {
    const b = structuredClone(batch);
    if (b.clear) {
      this.user = null;
      this.channels.clear();
      this.messages.clear();
      this.cursors.clear();
    }
    if (b.user) this.user = b.user;
    for (const c of b.channels ?? []) this.channels.set(c.id, c);
    for (const id of b.removeChannels ?? []) {
      this.channels.delete(id);
      this.messages.delete(id);
      this.cursors.delete(id);
    }
    for (const m of b.messages ?? []) {
      let bySeq = this.messages.get(m.channelId);
      if (!bySeq) {
        bySeq = new Map();
        this.messages.set(m.channelId, bySeq);
      }
      const old = bySeq.get(m.seq);
      if (!old || old.rev < m.rev) bySeq.set(m.seq, m);
    }
    for (const [id, rev] of Object.entries(b.cursors ?? {})) this.cursors.set(id, rev);
  }
}
