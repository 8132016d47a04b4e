/**
 * Whose presence changed after a given point, in time proportional to the changes since rather
 * than to everyone online: a thousand clients reconnecting to a server with fifteen thousand
 * users online each read the few changes since their cursor, not fifteen thousand records.
 *
 * Every change appends (number, user). A user changes many times and their record keeps only the
 * latest number, so reading skips entries that a later one superseded; when the log has grown to
 * twice the records it is rebuilt from them.
 */
export class PresenceChangeLog {
  private seqs: number[] = [];
  private users: string[] = [];

  get length(): number {
    return this.seqs.length;
  }

  /** `seq` must be above every number added before. */
  add(seq: number, userId: string): void {
    this.seqs.push(seq);
    this.users.push(userId);
  }

  /**
   * The users with a change after `since`, each once, oldest change first. `latest` gives a user's
   * current change number (undefined if they have no record any more).
   */
  *since(since: number, latest: (userId: string) => number | undefined): Generator<string> {
    let lo = 0;
    let hi = this.seqs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid]! <= since) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.seqs.length; i += 1) {
      const userId = this.users[i]!;
      if (latest(userId) === this.seqs[i]) yield userId;
    }
  }

  /** Starts over from the records: each user's latest change only. */
  rebuild(records: Iterable<[userId: string, seq: number]>): void {
    const sorted = [...records].filter(([, seq]) => seq > 0).sort((a, b) => a[1] - b[1]);
    this.seqs = sorted.map(([, seq]) => seq);
    this.users = sorted.map(([userId]) => userId);
  }
}
