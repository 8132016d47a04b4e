import type { Connection } from './connection.ts';

/**
 * Who watches whose presence (`presence.watch`): connections that show people they share only
 * large channels with, whose presence is therefore not pushed to them. Kept per connection and
 * forgotten when it closes; a reconnecting client watches again.
 */
export class PresenceWatchers {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly byConnection = new Map<Connection, readonly string[]>();

  /** Replaces what the connection watches. */
  watch(conn: Connection, userIds: readonly string[]): void {
    this.unwatchAll(conn);
    if (userIds.length === 0) return;
    this.byConnection.set(conn, userIds);
    for (const id of userIds) {
      let set = this.byUser.get(id);
      if (!set) this.byUser.set(id, (set = new Set()));
      set.add(conn);
    }
  }

  unwatchAll(conn: Connection): void {
    const ids = this.byConnection.get(conn);
    if (!ids) return;
    this.byConnection.delete(conn);
    for (const id of ids) {
      const set = this.byUser.get(id);
      set?.delete(conn);
      if (set?.size === 0) this.byUser.delete(id);
    }
  }

  /** The connections watching the user. */
  of(userId: string): ReadonlySet<Connection> | undefined {
    return this.byUser.get(userId);
  }
}
