import { Limits } from '@segmentchat/protocol';
import type { Presence } from '@segmentchat/protocol';

export interface PresenceWatchDeps {
  /** Sends `presence.watch`; rejects when the connection is not up. */
  request(userIds: readonly string[]): Promise<WatchAnswer>;
  online(): boolean;
  /** The set about to be asked for: what is not in it is no longer watched. */
  watching(userIds: readonly string[]): void;
  /** The server's answer for the set (only for the latest one asked). */
  answered(answer: WatchAnswer): void;
}

/** Presence of the watched people as of `cursor` (a `presence` event may overtake it). */
export interface WatchAnswer {
  presence: readonly Presence[];
  cursor: string;
}

/**
 * What this client asks the server to watch: the union of what each part of the app shows (a
 * member list, a profile card), sent once per tick at most, and again after every reconnect (the
 * server forgets a connection's set when it closes). Capped at the server's limit, the parts that
 * asked last first.
 */
export class PresenceWatch {
  private readonly parts: Array<readonly string[]> = [];
  /** The set the server holds for this connection ('' for none), as a key. */
  private sent = '';
  private scheduled = false;

  constructor(private readonly deps: PresenceWatchDeps) {}

  /** Watches the users until the returned function is called. */
  add(userIds: readonly string[]): () => void {
    const part = [...userIds];
    this.parts.push(part);
    this.schedule();
    return () => {
      const at = this.parts.indexOf(part);
      if (at < 0) return;
      this.parts.splice(at, 1);
      this.schedule();
    };
  }

  /** The connection is new: the server watches nothing for it yet. */
  reconnected(): void {
    this.sent = '';
    this.schedule();
  }

  userIds(): string[] {
    const ids = new Set<string>();
    for (let i = this.parts.length - 1; i >= 0; i--)
      for (const id of this.parts[i]!) {
        if (ids.size >= Limits.PRESENCE_WATCH_MAX) return [...ids];
        ids.add(id);
      }
    return [...ids];
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      this.flush();
    }, 0);
  }

  private flush(): void {
    if (!this.deps.online()) return; // `reconnected` sends it
    const ids = this.userIds();
    const key = [...ids].sort().join(',');
    if (key === this.sent) return;
    this.sent = key;
    this.deps.watching(ids);
    this.deps.request(ids).then(
      (answer) => {
        if (this.sent === key) this.deps.answered(answer);
      },
      () => {
        // Dropped with its connection: the next one sends the set again.
        if (this.sent === key) this.sent = '';
      },
    );
  }
}
