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
}

/**
 * Who is online, per user across all of its connections, and typing indicators. Presence is
 * pushed to everyone who shares a channel with the user, once per connection.
 */
export class PresenceService {
  private readonly online = new Map<string, Online>();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly channels: ChannelService,
  ) {}

  async connect(user: UserRow, connectionId: string): Promise<void> {
    const before = this.status(user.id);
    const entry = this.online.get(user.id) ?? { username: user.username, connections: [] };
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

  async disconnect(userId: string, connectionId: string): Promise<void> {
    const entry = this.online.get(userId);
    const before = this.status(userId);
    const at = entry?.connections.findIndex((c) => c.id === connectionId) ?? -1;
    if (!entry || at < 0) return;
    entry.connections.splice(at, 1);
    if (entry.connections.length > 0) return this.announce(userId, entry.username, before, null);
    this.online.delete(userId);
    const now = Date.now();
    await this.store.setLastSeen(userId, now);
    await this.announce(userId, entry.username, before, now);
  }

  /** Users with at least one open connection (online or away). */
  get onlineCount(): number {
    return this.online.size;
  }

  status(userId: string): PresenceStatus {
    const entry = this.online.get(userId);
    if (!entry || entry.connections.length === 0) return 'offline';
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
