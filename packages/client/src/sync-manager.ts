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

/**
 * Per-channel `rev` cursors: the position up to which every change of that channel has been
 * applied. After each hello `run()` pages through `sync` until nothing is left; a live change
 * that is not the next rev (a gap: a frame lost with a dropped socket, an event that raced a
 * join) schedules another run. Applying is left to the listener, which must be idempotent:
 * sync pages overlap live events by design.
 */
export class SyncManager extends TypedEmitter<SyncEvents> {
  private readonly cursors = new Map<string, number>();
  private running: Promise<void> | null = null;
  private again = false;

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
        const result = await this.sync({ cursors: Object.fromEntries(this.cursors) });
        if (result.changes.length > 0) this.emit('changes', result.changes);
        const moved: Record<string, number> = {};
        for (const [channelId, rev] of Object.entries(result.cursors)) {
          const cursor = this.cursors.get(channelId);
          // Live events may have moved a cursor past the page while it was in flight.
          if (cursor !== undefined && rev > cursor) {
            this.cursors.set(channelId, rev);
            moved[channelId] = rev;
          }
        }
        if (Object.keys(moved).length > 0) this.emit('cursors', moved);
        // A server that says "more" without moving any cursor would loop us forever.
        if (result.hasMore && Object.keys(moved).length === 0) throw new Error('sync made no progress');
        hasMore = result.hasMore;
      }
    } while (this.again);
  }
}
