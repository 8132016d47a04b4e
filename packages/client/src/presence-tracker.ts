import type { Presence } from '@segmentchat/protocol';

/** Everyone's presence as last pushed by the server (hello gives the starting set). */
export class PresenceTracker {
  private readonly byUser = new Map<string, Presence>();
  private snapshot: readonly Presence[] | null = null;

  reset(all: readonly Presence[]): void {
    this.byUser.clear();
    for (const p of all) this.byUser.set(p.userId, p);
    this.snapshot = null;
  }

  /** Returns whether anything changed. */
  update(p: Presence): boolean {
    const old = this.byUser.get(p.userId);
    if (old && old.status === p.status && old.lastSeen === p.lastSeen && old.username === p.username)
      return false;
    this.byUser.set(p.userId, p);
    this.snapshot = null;
    return true;
  }

  get(userId: string): Presence | undefined {
    return this.byUser.get(userId);
  }

  all(): readonly Presence[] {
    this.snapshot ??= Object.freeze([...this.byUser.values()]);
    return this.snapshot;
  }
}
