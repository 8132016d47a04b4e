import type { Presence, PresenceStatus } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import type { Store, UserRow } from './store.ts';

interface Online {
  username: string;
  /**
   * Status per open connection: a user is online if any connection is, away if all are. An
   * array, not a Map: a user has a few connections, and a Map costs ~200 bytes on every one.
   */
  connections: Array<{ id: string; status: 'online' | 'away' }>;
  /** After the last connection closed: the status kept during the grace period, and since when. */
  lingering: {
    status: 'online' | 'away';
    since: number;
    timer: NodeJS.Timeout;
    /** The channels its last connection listened to: whom hello tells about the user. */
    channelIds: string[];
  } | null;
}

/**
 * Who is online, per user across all of its connections, and typing indicators. Presence is
 * pushed to everyone who shares a channel with the user, once per connection.
 *
 * A user whose last connection closes keeps their status for a grace period (`graceMs`) before
 * going offline: a page reload, a phone switching networks or a server restart then does not
 * flash them offline and online again to everyone they share a channel with, and a thousand
 * clients reconnecting at once announce nothing.
 */
export class PresenceService {
  private readonly online = new Map<string, Online>();
  /** Users in their grace period, by the channels they were in (they have no connection there). */
  private readonly lingeringIn = new Map<string, Set<string>>();
  /** Set by `close`: the store is going, so nothing more is recorded. */
  private closed = false;
  /** Last-seen times waiting for this turn's write, and that write. */
  private lastSeen: Array<{ userId: string; at: number }> = [];
  private lastSeenWritten: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly channels: ChannelService,
    private readonly graceMs = 0,
  ) {}

  async connect(user: UserRow, connectionId: string): Promise<void> {
    const before = this.status(user.id);
    const entry = this.online.get(user.id) ?? { username: user.username, connections: [], lingering: null };
    this.endGrace(user.id, entry);
    entry.connections.push({ id: connectionId, status: 'online' });
    this.online.set(user.id, entry);
    await this.announce(user.id, entry.username, before, null);
  }

  async set(user: UserRow, connectionId: string, status: 'online' | 'away'): Promise<void> {
    const entry = this.online.get(user.id);
    const connection = entry?.connections.find((c) => c.id === connectionId);
    if (!entry || !connection) return;
    const before = this.status(user.id);
    connection.status = status;
    await this.announce(user.id, entry.username, before, null);
  }

  /** `channelIds`: the channels the closed connection listened to. */
  async disconnect(userId: string, connectionId: string, channelIds: Iterable<string> = []): Promise<void> {
    if (this.closed) return;
    const entry = this.online.get(userId);
    const before = this.status(userId);
    const at = entry?.connections.findIndex((c) => c.id === connectionId) ?? -1;
    if (!entry || at < 0) return;
    entry.connections.splice(at, 1);
    if (entry.connections.length > 0) return this.announce(userId, entry.username, before, null);
    const since = Date.now();
    if (this.graceMs <= 0 || before === 'offline') return this.goOffline(userId, entry, before, since);
    const timer = setTimeout(() => {
      this.goOffline(userId, entry, before, since).catch((e: unknown) => console.error('presence', e));
    }, this.graceMs).unref();
    entry.lingering = { status: before, since, timer, channelIds: [...channelIds] };
    for (const id of entry.lingering.channelIds) {
      let users = this.lingeringIn.get(id);
      if (!users) this.lingeringIn.set(id, (users = new Set()));
      users.add(userId);
    }
  }

  /** Users in their grace period who were in the channel (for `hello`, beside connected ones). */
  lingeringUsers(channelId: string): Iterable<string> {
    return this.lingeringIn.get(channelId) ?? [];
  }

  private endGrace(userId: string, entry: Online): void {
    if (!entry.lingering) return;
    clearTimeout(entry.lingering.timer);
    for (const id of entry.lingering.channelIds) {
      const users = this.lingeringIn.get(id);
      users?.delete(userId);
      if (users?.size === 0) this.lingeringIn.delete(id);
    }
    entry.lingering = null;
  }

  /** Ends every grace period now (before the store closes), recording when each user left. */
  async close(): Promise<void> {
    this.closed = true;
    const leaving = [...this.online].filter(([, entry]) => entry.lingering);
    await Promise.all(
      leaving.map(([userId, entry]) =>
        this.goOffline(userId, entry, entry.lingering!.status, entry.lingering!.since),
      ),
    );
  }

  /** Users shown online or away: connected, or in their grace period. */
  get onlineCount(): number {
    return this.online.size;
  }

  status(userId: string): PresenceStatus {
    const entry = this.online.get(userId);
    if (!entry) return 'offline';
    if (entry.lingering) return entry.lingering.status;
    return entry.connections.some((c) => c.status === 'online') ? 'online' : 'away';
  }

  /**
   * Presence of those users who are online or away (for `hello`). The gateway passes the users
   * it sees in the caller's channels, so this stays in memory: a database check per online user
   * would make each hello cost O(online users) queries.
   */
  snapshot(userIds: Iterable<string>): Presence[] {
    const out: Presence[] = [];
    for (const id of userIds) {
      const entry = this.online.get(id);
      if (entry) out.push({ userId: id, username: entry.username, status: this.status(id), lastSeen: null });
    }
    return out;
  }

  async typing(user: UserRow, channelId: string): Promise<void> {
    const c = await this.channels.joined(user, channelId);
    this.bus.publish({
      kind: 'channel',
      channelId: c.id,
      exceptUser: user.id,
      event: { type: 'typing', channelId: c.id, userId: user.id, username: user.username },
    });
  }

  private async goOffline(
    userId: string,
    entry: Online,
    before: PresenceStatus,
    since: number,
  ): Promise<void> {
    if (this.online.get(userId) !== entry || entry.connections.length > 0) return;
    this.endGrace(userId, entry);
    this.online.delete(userId);
    await this.recordLastSeen(userId, since);
    await this.announce(userId, entry.username, before, since);
  }

  /**
   * Writes last-seen times of one turn together: a thousand grace periods that began together
   * end together, and a commit each would stall the event loop for a thousand fsyncs.
   */
  private recordLastSeen(userId: string, at: number): Promise<void> {
    this.lastSeen.push({ userId, at });
    this.lastSeenWritten ??= new Promise((resolve) => setImmediate(resolve)).then(() => {
      const batch = this.lastSeen;
      this.lastSeen = [];
      this.lastSeenWritten = null;
      return this.store.setLastSeen(batch);
    });
    return this.lastSeenWritten;
  }

  private async announce(
    userId: string,
    username: string,
    before: PresenceStatus,
    lastSeen: number | null,
  ): Promise<void> {
    const status = this.status(userId);
    if (status === before) return;
    const channelIds = await this.store.memberChannelIds(userId);
    this.bus.publish({
      kind: 'channels',
      channelIds,
      event: { type: 'presence', userId, username, status, lastSeen },
    });
  }
}
