import type { Presence, RequestResult } from '@segmentchat/protocol';

/**
 * Everyone's presence as last pushed by the server: hello gives the starting set (or what changed
 * since the cursor it was given), `presence` events the rest. The cursor is where this client
 * stands in the server's stream of presence changes, handed back at the next hello.
 */
export class PresenceTracker {
  private readonly byUser = new Map<string, Presence>();
  private snapshot: readonly Presence[] | null = null;
  private cursorValue: string | undefined;

  /** Where to resume from; undefined when only a full snapshot will do. */
  get cursor(): string | undefined {
    return this.cursorValue;
  }

  hello(reply: Pick<RequestResult<'hello'>, 'presence' | 'presenceDelta' | 'presenceCursor'>): void {
    if (!reply.presenceDelta) this.byUser.clear();
    for (const p of reply.presence) this.byUser.set(p.userId, p);
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
