import type { Channel } from '@segmentchat/protocol';

/**
 * The channels the client knows (hello's list, then `channel.updated` / `channel.removed`).
 * Read positions and last seqs only move forward here: a late or reordered update cannot make
 * a read channel look unread again.
 */
export class ChannelDirectory {
  private readonly byId = new Map<string, Channel>();
  private snapshot: readonly Channel[] | null = null;

  /** Replaces the whole list (after hello), keeping forward-only fields from what we had. */
  reset(channels: readonly Channel[]): void {
    const old = new Map(this.byId);
    this.byId.clear();
    for (const c of channels) this.byId.set(c.id, this.merge(old.get(c.id), c));
    this.snapshot = null;
  }

  upsert(channel: Channel): Channel {
    const merged = this.merge(this.byId.get(channel.id), channel);
    this.byId.set(channel.id, merged);
    this.snapshot = null;
    return merged;
  }

  remove(channelId: string): boolean {
    const had = this.byId.delete(channelId);
    if (had) this.snapshot = null;
    return had;
  }

  get(channelId: string): Channel | undefined {
    return this.byId.get(channelId);
  }

  all(): readonly Channel[] {
    this.snapshot ??= Object.freeze([...this.byId.values()]);
    return this.snapshot;
  }

  /** Raises the channel's lastSeq (a message arrived) or readSeq (read); returns whether it changed. */
  advance(channelId: string, field: 'lastSeq' | 'readSeq', seq: number): boolean {
    const c = this.byId.get(channelId);
    if (!c || c[field] >= seq) return false;
    this.byId.set(channelId, { ...c, [field]: seq });
    this.snapshot = null;
    return true;
  }

  private merge(old: Channel | undefined, next: Channel): Channel {
    if (!old) return next;
    return {
      ...next,
      lastSeq: Math.max(old.lastSeq, next.lastSeq),
      readSeq: Math.max(old.readSeq, next.readSeq),
    };
  }
}
