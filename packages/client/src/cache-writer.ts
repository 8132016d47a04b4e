import type { Channel } from '@segmentchat/protocol';
import type { CacheSnapshot, CacheStore, CacheWrite } from './cache-store.ts';

/**
 * Batches cache writes: everything changed in one tick goes to the store as one atomic write,
 * so a cursor is never persisted without the messages it covers (they are added in the same
 * tick or before), and a 500-message sync page is one write, not 500.
 */
export class CacheWriter {
  private batch: CacheWrite | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly store: CacheStore) {}

  load(): Promise<CacheSnapshot | null> {
    return this.store.load();
  }

  add(change: CacheWrite): void {
    if (!this.batch) {
      this.batch = {};
      setTimeout(() => void this.flush(), 0);
    }
    const b = this.batch;
    if (change.clear) {
      this.batch = { clear: true };
      return;
    }
    if (change.user) b.user = change.user;
    if (change.channels) b.channels = mergeById(b.channels, change.channels);
    if (change.removeChannels) b.removeChannels = [...(b.removeChannels ?? []), ...change.removeChannels];
    if (change.messages) b.messages = [...(b.messages ?? []), ...change.messages];
    if (change.cursors) b.cursors = { ...b.cursors, ...change.cursors };
  }

  /** Writes what is batched; writes never overlap, so they land in order. */
  flush(): Promise<void> {
    const batch = this.batch;
    this.batch = null;
    if (batch) this.writing = this.writing.then(() => this.store.write(batch)).catch(() => undefined);
    return this.writing;
  }
}

function mergeById(a: Channel[] | undefined, b: Channel[]): Channel[] {
  const map = new Map((a ?? []).map((c) => [c.id, c]));
  for (const c of b) map.set(c.id, c);
  return [...map.values()];
}
