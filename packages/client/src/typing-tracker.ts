/**
 * Who is typing where. A `typing` event means "typing now"; clients repeat it every 3 s while
 * typing, so an entry expires 5 s after the last one (one repeat may be lost or late). A
 * message from that user ends it at once.
 */
export const TYPING_TTL_MS = 5_000;

export class TypingTracker {
  private readonly byChannel = new Map<string, Map<string, { username: string; until: number }>>();
  private readonly snapshots = new Map<string, readonly string[]>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly onChange: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  typing(channelId: string, userId: string, username: string): void {
    let users = this.byChannel.get(channelId);
    if (!users) {
      users = new Map();
      this.byChannel.set(channelId, users);
    }
    const had = users.has(userId);
    users.set(userId, { username, until: this.now() + TYPING_TTL_MS });
    if (!had) this.changed(channelId);
    this.schedule();
  }

  stopped(channelId: string, userId: string): void {
    if (this.byChannel.get(channelId)?.delete(userId)) this.changed(channelId);
  }

  /** Usernames typing in the channel now, in the order they started; a stable array. */
  usernames(channelId: string): readonly string[] {
    let snap = this.snapshots.get(channelId);
    if (!snap) {
      const now = this.now();
      snap = Object.freeze(
        [...(this.byChannel.get(channelId)?.values() ?? [])]
          .filter((t) => t.until > now)
          .map((t) => t.username),
      );
      this.snapshots.set(channelId, snap);
    }
    return snap;
  }

  clear(): void {
    this.byChannel.clear();
    this.snapshots.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private changed(channelId: string): void {
    this.snapshots.delete(channelId);
    this.onChange();
  }

  /** One timer for the earliest expiry, so idle clients hold no timers. */
  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let next = Number.POSITIVE_INFINITY;
    for (const users of this.byChannel.values())
      for (const t of users.values()) next = Math.min(next, t.until);
    if (next === Number.POSITIVE_INFINITY) return;
    this.timer = setTimeout(() => this.expire(), Math.max(0, next - this.now()) + 1);
  }

  private expire(): void {
    this.timer = null;
    const now = this.now();
    for (const [channelId, users] of this.byChannel) {
      let changed = false;
      for (const [userId, t] of users) {
        if (t.until <= now) {
          users.delete(userId);
          changed = true;
        }
      }
      if (users.size === 0) this.byChannel.delete(channelId);
      if (changed) this.changed(channelId);
    }
    this.schedule();
  }
}
