import type { Message } from '@segmentchat/protocol';

/**
 * One channel's messages as the client knows them: ascending by `seq`, one entry per `seq`
 * whatever path it came by (live event, ack, history page, sync page, cache), and each entry the
 * newest state seen (highest `rev`), so applying anything twice changes nothing.
 *
 * The loaded messages are a window ending at the newest; older pages are fetched on demand
 * (`loadOlder` asks for `seq < oldestSeq`). A change to a message older than the window is
 * dropped rather than inserted, since it would leave a hole that history paging skips over;
 * the history page brings that message in its current state anyway.
 */
export class Timeline {
  private items: Message[] = [];
  private snapshot: readonly Message[] | null = null;
  /** Whether messages older than the window exist on the server; null until history says. */
  hasMoreOlder: boolean | null = null;

  get size(): number {
    return this.items.length;
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
   * Inserts or updates one message. Returns 'added', 'updated' or 'ignored' (already known
   * at this rev or newer, or older than the loaded window).
   */
  upsert(message: Message, options: { fromHistory?: boolean } = {}): 'added' | 'updated' | 'ignored' {
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
    const oldest = this.items[0]!.seq;
    if (message.seq < oldest && !options.fromHistory && this.hasMoreOlder !== false) return 'ignored';
    this.items.splice(-i - 1, 0, message);
    this.snapshot = null;
    return 'added';
  }

  /** Applies a history page (`seq < oldestSeq`, ascending) and records whether more remain. */
  addHistory(page: readonly Message[], hasMore: boolean): number {
    let added = 0;
    for (const m of page) if (this.upsert(m, { fromHistory: true }) === 'added') added++;
    this.hasMoreOlder = hasMore;
    this.snapshot = null;
    return added;
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

  clear(): void {
    this.items = [];
    this.snapshot = null;
    this.hasMoreOlder = null;
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
