import type { Database, Transaction } from 'better-sqlite3';

interface Queued {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Small writes queued during one turn of the event loop, committed together: one transaction,
 * one fsync. With `synchronous=FULL` every commit waits for the disk on the event loop (about a
 * millisecond here), so a write per request caps the server at about a thousand of them a
 * second: three hundred students reading a lecture's channel mark it read after every message,
 * and a class joining a channel joins at once. Each write runs in a savepoint of its own, so
 * one that throws undoes only itself; each caller is answered after the commit, so an answer
 * still means "stored".
 */
export class SqliteGroupCommit {
  private queue: Queued[] = [];
  private scheduled = false;
  private readonly inSavepoint: Transaction<(work: () => unknown) => unknown>;
  private readonly commitAll: Transaction<(batch: Queued[]) => Array<{ ok: boolean; value: unknown }>>;

  constructor(private readonly db: Database) {
    // Nested in `commitAll`, better-sqlite3 runs a transaction function as a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.commitAll = db.transaction((batch: Queued[]) =>
      batch.map((q) => {
        try {
          return { ok: true, value: this.inSavepoint(q.work) };
        } catch (error) {
          // Anything that ended the whole transaction fails the batch.
          if (!db.inTransaction) throw error;
          return { ok: false, value: error };
        }
      }),
    );
  }

  /** Runs `work` (synchronous SQLite writes) in the next group; resolves with its result once committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits what is queued now (also before the database closes). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: Array<{ ok: boolean; value: unknown }>;
    try {
      // IMMEDIATE: the write lock first, as for message appends (a second writer such as the
      // admin CLI waits rather than failing the commit).
      results = this.commitAll.immediate(batch);
    } catch (error) {
      for (const q of batch) q.reject(error);
      return;
    }
    batch.forEach((q, i) => (results[i]!.ok ? q.resolve(results[i]!.value) : q.reject(results[i]!.value)));
  }
}
