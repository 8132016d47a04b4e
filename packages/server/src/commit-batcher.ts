import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { Metrics } from './metrics.ts';
import type { AppendResult, NewMessage, Store } from './store.ts';

interface Pending {
  message: NewMessage;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Groups message appends: everything queued during one turn of the event loop is committed in
 * one transaction, so one fsync is shared by the whole batch. Callers are answered only after
 * that commit, which is what lets an ack mean "stored".
 */
export class CommitBatcher {
  private queue: Pending[] = [];
  private scheduled = false;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly committed = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
    /** A batch this large is plenty to amortize an fsync, and keeps one commit short. */
    private readonly maxBatch = 1000,
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new ChatError(ErrorCode.UNAVAILABLE, 'Server is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.running = this.running.then(() => this.flush());
        });
      }
    });
  }

  /**
   * Calls `listener` after each commit, once the callers it answered have run their promise
   * callbacks (their `message.new` is published by then). Returns the way to stop.
   */
  afterEachCommit(listener: () => void): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  /** Commits what is queued and refuses anything later. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
    await this.flush();
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      const started = performance.now();
      try {
        const results = await this.store.appendMessages(batch.map((p) => p.message));
        const created = results.filter((r) => r.status === 'created').length;
        this.metrics.observeCommit((performance.now() - started) / 1000, created);
        batch.forEach((p, i) => p.resolve(results[i]!));
        // A tick runs once the promise callbacks queued by these resolves have all run.
        if (this.committed.size > 0) process.nextTick(() => this.committed.forEach((f) => f()));
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    }
  }
}
