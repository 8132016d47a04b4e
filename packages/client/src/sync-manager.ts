import type { Message, RequestParams, RequestResult } from '@segmentchat/protocol';
import { TypedEmitter } from './typed-emitter.ts';

export type SyncEvents = {
  /** Changes fetched by `sync`, ascending by rev per channel. */
  changes: (messages: Message[]) => void;
  /** Cursors moved (to persist them after the messages they cover). */
  cursors: (cursors: Record<string, number>) => void;
  /** `sync` failed for a reason other than a lost connection. */
  error: (error: unknown) => void;
};

type SyncRequest = (params: RequestParams<'sync'>) => Promise<RequestResult<'sync'>>;
type SyncPage = RequestResult<'sync'>;

/**
 * Per-channel `rev` cursors: the position up to which every change of that channel has been
 * applied. Each hello carries the cursors (`helloParams`) and its answer the first page of
 * changes since them (`resume`); `run()` pages through `sync` until nothing is left; a live change
 * that is not the next rev (a gap: a frame lost with a dropped socket, an event that raced a
 * join) schedules another run. Applying is left to the listener, which must be idempotent:
 * sync pages overlap live events by design.
 */
export class SyncManager extends TypedEmitter<SyncEvents> {
  private readonly cursors = new Map<string, number>();
  private running: Promise<void> | null = null;
  private again = false;
  /** The cursors the last hello carried: the first page it answers with starts from them. */
  private offered = new Map<string, number>();

  constructor(private readonly sync: SyncRequest) {
    super();
  }

  cursor(channelId: string): number | undefined {
    return this.cursors.get(channelId);
  }

  /** Starts tracking a channel from `rev` (only if it is not tracked yet). */
  track(channelId: string, rev: number): void {
    if (!this.cursors.has(channelId)) {
      this.cursors.set(channelId, rev);
      this.emit('cursors', { [channelId]: rev });
    }
  }

  untrack(channelId: string): void {
    this.cursors.delete(channelId);
  }

  tracked(): string[] {
    return [...this.cursors.keys()];
  }

  /**
   * A change seen live. Returns true when it was the next one (cursor advanced); otherwise a
   * sync is scheduled if it is ahead of the cursor. The caller applies the message either way.
   */
  live(message: Message): boolean {
    const cursor = this.cursors.get(message.channelId);
    if (cursor === undefined) return false;
    if (message.rev === cursor + 1) {
      this.cursors.set(message.channelId, message.rev);
      this.emit('cursors', { [message.channelId]: message.rev });
      return true;
    }
    if (message.rev > cursor + 1) void this.run().catch((e: unknown) => this.emit('error', e));
    return false;
  }

  /** What to ask of the next hello: the first page of changes since the cursors (none without cursors). */
  helloParams(): RequestParams<'sync'> | undefined {
    this.offered = new Map(this.cursors);
    return this.cursors.size === 0 ? undefined : { cursors: Object.fromEntries(this.cursors) };
  }

  /**
   * Takes the first page that hello answered with, then runs `sync` for whatever it did not
   * cover: more pages, or channels whose cursor changed since the hello was sent in a way the
   * page cannot continue (reset because the server's data was replaced, or tracked anew). A
   * hello answered without a page (none asked) means a plain run.
   */
  resume(first: SyncPage | undefined): Promise<void> {
    if (first === undefined) return this.run();
    const { covered } = this.take(first, this.offered);
    const complete = [...this.cursors.keys()].every((id) => covered.has(id));
    return first.hasMore || !complete ? this.run() : Promise.resolve();
  }

  /** Runs sync until the server has nothing more; concurrent calls share (and extend) one run. */
  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      let hasMore = true;
      while (hasMore && this.cursors.size > 0) {
        const asked = new Map(this.cursors);
        const result = await this.sync({ cursors: Object.fromEntries(asked) });
        const { moved } = this.take(result, asked);
        // A server that says "more" without moving any cursor would loop us forever.
        if (result.hasMore && !moved) throw new Error('sync made no progress');
        hasMore = result.hasMore;
      }
    } while (this.again);
  }

  /**
   * Applies a page asked for with the cursors `asked`, for the channels where it continues what
   * this client has: still tracked, and not reset below where the page starts since (live
   * events may have moved a cursor past the page while it was in flight; that is fine). Returns
   * the channels the page covered, and whether any cursor moved.
   */
  private take(page: SyncPage, asked: ReadonlyMap<string, number>): { covered: Set<string>; moved: boolean } {
    const covered = new Set<string>();
    for (const channelId of Object.keys(page.cursors)) {
      const from = asked.get(channelId);
      const cursor = this.cursors.get(channelId);
      if (from !== undefined && cursor !== undefined && cursor >= from) covered.add(channelId);
    }
    const changes = page.changes.filter((m) => covered.has(m.channelId));
    if (changes.length > 0) this.emit('changes', changes);
    const moved: Record<string, number> = {};
    for (const channelId of covered) {
      const rev = page.cursors[channelId]!;
      if (rev > this.cursors.get(channelId)!) {
        this.cursors.set(channelId, rev);
        moved[channelId] = rev;
      }
    }
    const anyMoved = Object.keys(moved).length > 0;
    if (anyMoved) this.emit('cursors', moved);
    return { covered, moved: anyMoved };
  }
}
