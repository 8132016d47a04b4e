import type { Message } from '@segmentchat/protocol';

/**
 * One channel's messages as the client knows them: ascending by `seq`, one entry per `seq`
 * whatever path it came by (live event, ack, history page, sync page, cache), and each entry the
 * newest state seen (highest `rev`), so applying anything twice changes nothing.
 *
 * `completeFrom` is the lowest seq from which the timeline is known to be complete: every
 * message at or above it is here or on its way (sync and live events cover everything created
 * after the channel was first tracked; history pages cover what came before). Live and sync
 * changes below it are dropped rather than inserted, since a lone old entry would leave a hole
 * that history paging then skips over; the next history page brings it in its current state.
 */
export class Timeline {
  private items: Message[] = [];
  private snapshot: readonly Message[] | null = null;

  /**
   * @param completeFrom for a channel first tracked when its last seq was N, N + 1; null when
   *   unknown (the first live message then sets it).
   */
  constructor(private completeFromValue: number | null = null) {}

  get size(): number {
    return this.items.length;
  }

  /** Lowest seq from which nothing is missing; 1 means the whole channel is here. */
  get completeFrom(): number | null {
    return this.completeFromValue;
  }

  /** Older messages exist on the server that are not loaded (or it is not known yet). */
  get hasMoreOlder(): boolean {
    return this.completeFromValue !== 1;
  }

  /** Lowers `completeFrom` (a channel tracked after a live message created this timeline). */
  extendCompleteFrom(seq: number): void {
    if (this.completeFromValue === null || seq < this.completeFromValue)
      this.completeFromValue = Math.max(1, seq);
  }

  oldestSeq(): number | null {
    return this.items[0]?.seq ?? null;
  }

  newestSeq(): number | null {
    return this.items.at(-1)?.seq ?? null;
  }

  get(seq: number): Message | undefined {
    const i = this.indexOf(seq);
    return i >= 0 ? this.items[i] : undefined;
  }

  /** A stable array: the same reference until the timeline changes (for useSyncExternalStore). */
  messages(): readonly Message[] {
    this.snapshot ??= Object.freeze(this.items.slice());
    return this.snapshot;
  }

  /**
   * Inserts or updates one message from a live event, an ack, sync or the cache. Returns
   * 'added', 'updated' or 'ignored' (already known at this rev or newer, or below completeFrom).
   */
  upsert(message: Message, options: { fromHistory?: boolean } = {}): 'added' | 'updated' | 'ignored' {
    if (this.completeFromValue === null) {
      // The first thing we learn of the channel. An edit of an old message says nothing about
      // which seqs are complete, so only a new message may set the edge.
      if (!options.fromHistory && (message.editedAt !== null || message.deleted)) return 'ignored';
      this.completeFromValue = message.seq;
    }
    if (!options.fromHistory && message.seq < this.completeFromValue) return 'ignored';
    const last = this.items.at(-1);
    if (!last || message.seq > last.seq) {
      this.items.push(message);
      this.snapshot = null;
      return 'added';
    }
    const i = this.indexOf(message.seq);
    if (i >= 0) {
      if (message.rev <= this.items[i]!.rev) return 'ignored';
      this.items[i] = message;
      this.snapshot = null;
      return 'updated';
    }
    this.items.splice(-i - 1, 0, message);
    this.snapshot = null;
    return 'added';
  }

  /**
   * Applies a history page (the messages just below `completeFrom`, ascending) and moves
   * `completeFrom` down to its first message, or to 1 when the server has nothing older.
   */
  addHistory(page: readonly Message[], hasMore: boolean): number {
    let added = 0;
    for (const m of page) if (this.upsert(m, { fromHistory: true }) === 'added') added++;
    const floor = hasMore && page[0] ? page[0].seq : 1;
    this.completeFromValue =
      this.completeFromValue === null ? floor : Math.min(this.completeFromValue, floor);
    return added;
  }

  /**
   * Drops the oldest messages beyond `max` (a bot in a busy channel must not grow forever);
   * `completeFrom` moves up with them, so `loadOlder` can fetch them again.
   */
  trim(max: number): boolean {
    if (this.items.length <= max) return false;
    this.items = this.items.slice(this.items.length - max);
    this.completeFromValue = this.items[0]!.seq;
    this.snapshot = null;
    return true;
  }

  /** Messages with `seq > afterSeq` that count as unread for `me`, and how many seqs are unknown. */
  unreadAfter(afterSeq: number, lastSeq: number, me: string | null): number {
    let known = 0;
    let unread = 0;
    for (let i = this.items.length - 1; i >= 0; i--) {
      const m = this.items[i]!;
      if (m.seq <= afterSeq) break;
      if (m.seq > lastSeq) continue;
      known++;
      if (m.authorId !== me && !m.deleted && m.kind !== 'system') unread++;
    }
    return unread + Math.max(0, lastSeq - afterSeq - known);
  }

  /** Binary search: the index of `seq`, or `-(insertion point) - 1` when absent. */
  private indexOf(seq: number): number {
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.items[mid]!.seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }
}
