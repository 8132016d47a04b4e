import type { Presence, RequestResult } from '@segmentchat/protocol';

/**
 * Everyone's presence as last pushed by the server: hello gives the starting set (or what changed
 * since the cursor it was given), `presence` events the rest. The cursor is where this client
 * stands in the server's stream of presence changes, handed back at the next hello.
 *
 * Apart from those, the people watched (`presence.watch`: members of large channels, whose
 * presence is not pushed): kept on the side, so that the pushed list (`all`) stays the people the
 * client shares a small channel with, and dropped when no longer watched. Someone in both is told
 * of through one of them only (the server sends a change once), so `get` answers the newer.
 */
export class PresenceTracker {
  private readonly byUser = new Map<string, Presence>();
  private readonly watched = new Map<string, Presence>();
  /** The cursor each watched entry is as of: an answer must not undo a change that overtook it. */
  private readonly watchedAt = new Map<string, string>();
  private watching: ReadonlySet<string> = new Set();
  /** When each entry of either map arrived, in arrivals: which of the two is newer. */
  private readonly arrived = new WeakMap<Presence, number>();
  private arrivals = 0;
  private snapshot: readonly Presence[] | null = null;
  private cursorValue: string | undefined;

  /** Where to resume from; undefined when only a full snapshot will do. */
  get cursor(): string | undefined {
    return this.cursorValue;
  }

  hello(reply: Pick<RequestResult<'hello'>, 'presence' | 'presenceDelta' | 'presenceCursor'>): void {
    if (!reply.presenceDelta) this.byUser.clear();
    for (const p of reply.presence) this.byUser.set(p.userId, this.stamped(p));
    this.snapshot = null;
    this.cursorValue = reply.presenceCursor;
  }

  /**
   * Someone left one of this client's channels (or this client left one): whom it shares a
   * channel with may have shrunk in a way no presence event says, so the next hello starts over.
   */
  forgetCursor(): void {
    this.cursorValue = undefined;
  }

  /** Returns whether anything changed. */
  update(p: Presence, cursor?: string): boolean {
    if (cursor !== undefined && this.cursorValue !== undefined && later(cursor, this.cursorValue))
      this.cursorValue = cursor;
    const old = this.byUser.get(p.userId);
    if (old && old.status === p.status && old.lastSeen === p.lastSeen && old.username === p.username) {
      // Still news if a watched entry of the same user said otherwise: this one is newer now.
      this.stamped(old);
      return this.watched.has(p.userId);
    }
    this.byUser.set(p.userId, this.stamped(p));
    this.snapshot = null;
    return true;
  }

  /** The people now asked for: those no longer in it are forgotten. */
  watch(userIds: readonly string[]): void {
    this.watching = new Set(userIds);
    for (const id of this.watched.keys())
      if (!this.watching.has(id)) {
        this.watched.delete(id);
        this.watchedAt.delete(id);
      }
  }

  /** A change to a watched person (an event marked `watched`), numbered like any other. */
  updateWatched(p: Presence, cursor?: string): boolean {
    if (cursor !== undefined && this.cursorValue !== undefined && later(cursor, this.cursorValue))
      this.cursorValue = cursor;
    return this.watchedAsOf(p, cursor);
  }

  /**
   * A watched person's presence as of a cursor (an answer to `presence.watch`). The server may
   * write a change that happened after it computed the answer before the answer itself: the newer
   * one stays.
   */
  watchedAsOf(p: Presence, cursor?: string): boolean {
    if (!this.watching.has(p.userId)) return false;
    const at = this.watchedAt.get(p.userId);
    if (at !== undefined && cursor !== undefined && later(at, cursor)) return false;
    this.watched.set(p.userId, this.stamped(p));
    if (cursor !== undefined) this.watchedAt.set(p.userId, cursor);
    else this.watchedAt.delete(p.userId);
    return true;
  }

  get(userId: string): Presence | undefined {
    const pushed = this.byUser.get(userId);
    const watched = this.watched.get(userId);
    if (!pushed || !watched) return pushed ?? watched;
    return this.arrived.get(watched)! > this.arrived.get(pushed)! ? watched : pushed;
  }

  private stamped(p: Presence): Presence {
    this.arrived.set(p, ++this.arrivals);
    return p;
  }

  all(): readonly Presence[] {
    this.snapshot ??= Object.freeze([...this.byUser.values()]);
    return this.snapshot;
  }
}

/** Cursors are `epoch.count`; one of another epoch (a restarted server) is never later. */
function later(a: string, b: string): boolean {
  const [ea, na] = split(a);
  const [eb, nb] = split(b);
  return ea === eb && na > nb;
}

function split(cursor: string): [string, number] {
  const dot = cursor.lastIndexOf('.');
  return [cursor.slice(0, dot), Number(cursor.slice(dot + 1))];
}
