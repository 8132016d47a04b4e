import { randomBytes } from 'node:crypto';
import type { Presence, PresenceStatus } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import { PresenceChangeLog } from './presence-change-log.ts';
import type { Store, UserRow } from './store.ts';

/** Where a user's latest presence change stands in the stream, and whom it concerns. */
interface Change {
  /** The change's number in this process's stream of presence changes. */
  seq: number;
  /** The user's channels: who shares one is told of the change. */
  channelIds: readonly string[];
  /** When the user last joined a channel: their own older cursors miss its members. */
  joinedSeq: number;
}

interface Online extends Change {
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

interface Departed extends Change {
  username: string;
  lastSeen: number;
}

/** Users gone offline kept for presence deltas; past this, the oldest go and old cursors get everything. */
const DEPARTED_KEPT = 50_000;
/** A delta this long may be longer than a snapshot; a shorter one is sent without counting. */
const SNAPSHOT_WORTH_COUNTING = 8;

/**
 * Who is online, per user across all of its connections, and typing indicators. Presence is
 * pushed to everyone who shares a channel with the user, once per connection, but for large
 * channels (more than `pushMaxMembers` members): there n members would cost n² entries whenever
 * they all come back at once, and nobody looks at a thousand people's dots. A client asks for the
 * people it shows (`presence.watch`, kept by `PresenceWatchers`); their changes reach it too.
 *
 * Every change is numbered. A client hands back the number it has seen (its presence cursor)
 * when it reconnects and gets only the changes since, so a thousand members of one channel
 * reconnecting at once cost a thousand small hellos instead of a million presence entries. Anyone
 * leaving a channel makes older cursors worthless (whom a user shared a channel with is not kept
 * per change), as does a restart (the epoch differs); a join only outdates the joiner's own.
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
  /** Users who went offline since this process started, oldest change first. */
  private readonly departed = new Map<string, Departed>();
  private readonly epoch = randomBytes(6).toString('base64url');
  private seq = 0;
  private readonly log = new PresenceChangeLog();
  /** Channel ids seen, each kept once (`interned`); a deleted channel's id stays, a few bytes. */
  private readonly channelIds = new Map<string, string>();
  /** A cursor below this cannot be answered with a delta (a membership changed after it). */
  private deltaFloor = 0;
  /** Set by `close`: the store is going, so nothing more is recorded. */
  private closed = false;
  /**
   * Member counts of the channels of users seen since this process started: each arrival reads
   * its own, and the first join to a channel not known yet reads that one. A join or leave moves
   * the count. Near enough is enough: it only decides which side of the limit a channel is on.
   */
  private readonly sizes = new Map<string, number>();
  /** Last-seen times waiting for this turn's write, and that write. */
  private lastSeen: Array<{ userId: string; at: number }> = [];
  private lastSeenWritten: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly channels: ChannelService,
    private readonly graceMs = 0,
    /** Presence is pushed in channels of at most this many members. */
    private readonly pushMaxMembers = Infinity,
  ) {
    bus.subscribe((m) => {
      if (m.kind === 'membership') this.membershipChanged(m.userId, m.channelId, m.joined);
    });
  }

  async connect(user: UserRow, connectionId: string): Promise<void> {
    const before = this.status(user.id);
    const gone = this.departed.get(user.id);
    let entry = this.online.get(user.id);
    // A visitor who registered comes back under their new name: that is news too.
    const known = entry ?? gone;
    const renamed = known !== undefined && known.username !== user.username;
    entry ??= {
      username: user.username,
      connections: [],
      lingering: null,
      seq: gone?.seq ?? 0,
      channelIds: gone?.channelIds ?? [],
      joinedSeq: gone?.joinedSeq ?? 0,
    };
    entry.username = user.username;
    this.endGrace(user.id, entry);
    entry.connections.push({ id: connectionId, status: 'online' });
    this.online.set(user.id, entry);
    this.departed.delete(user.id);
    await this.announce(user.id, entry.username, renamed ? null : before, null);
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

  /** Whether the channel's members are not pushed each other's presence (see the class). */
  isLarge(channelId: string): boolean {
    return (this.sizes.get(channelId) ?? 0) > this.pushMaxMembers;
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
   * The presence part of a `hello` reply. With a cursor of this process that no membership change
   * has outdated (someone leaving a channel, or the caller joining one): the changes since it to
   * users sharing one of `channelIds`, whatever their status. Otherwise everyone online or away
   * among `coMembers()` (the gateway knows them from its subscriptions, so this stays in memory:
   * a database check per online user would make each hello cost O(online users) queries).
   */
  hello(
    userId: string,
    cursor: string | undefined,
    channelIds: ReadonlySet<string>,
    coMembers: () => Iterable<string>,
  ): { presence: Presence[]; presenceDelta: boolean; presenceCursor: string } {
    const presenceCursor = this.currentCursor();
    const since = this.parseCursor(cursor);
    if (since === null || since < (this.online.get(userId)?.joinedSeq ?? 0))
      return { presence: this.snapshot(coMembers()), presenceDelta: false, presenceCursor };
    const presence: Presence[] = [];
    for (const id of this.log.since(since, (u) => this.record(u)?.seq)) {
      const gone = this.online.has(id) ? undefined : this.departed.get(id);
      const { username, channelIds: theirs } = this.record(id)!;
      if (!theirs.some((c) => channelIds.has(c) && !this.isLarge(c))) continue;
      presence.push(
        gone
          ? { userId: id, username, status: 'offline', lastSeen: gone.lastSeen }
          : { userId: id, username, status: this.status(id), lastSeen: null },
      );
    }
    // After an outage longer than the grace period everyone changed (went offline, some came
    // back): the delta lists them all, while a snapshot lists only who is online now. Answer with
    // whichever is shorter. Both give the client the same statuses; a snapshot leaves out the
    // offline users' lastSeen, which a restart's snapshot never had either.
    if (presence.length >= SNAPSHOT_WORTH_COUNTING) {
      const snapshot = this.snapshot(coMembers());
      if (snapshot.length < presence.length)
        return { presence: snapshot, presenceDelta: false, presenceCursor };
    }
    return { presence, presenceDelta: true, presenceCursor };
  }

  /** Presence of each user now (a `presence.watch` answer); lastSeen from the store if offline. */
  of(users: ReadonlyArray<{ id: string; username: string; lastSeen: number | null }>): Presence[] {
    return users.map(({ id, username, lastSeen }) => {
      const entry = this.online.get(id);
      if (entry) return { userId: id, username: entry.username, status: this.status(id), lastSeen: null };
      return {
        userId: id,
        username,
        status: 'offline',
        lastSeen: this.departed.get(id)?.lastSeen ?? lastSeen,
      };
    });
  }

  /** Presence of those of `userIds` who are online or away. */
  snapshot(userIds: Iterable<string>): Presence[] {
    const out: Presence[] = [];
    for (const id of userIds) {
      const entry = this.online.get(id);
      if (entry) out.push({ userId: id, username: entry.username, status: this.status(id), lastSeen: null });
    }
    return out;
  }

  /**
   * One copy of each channel id for all users' lists: every read from the database makes new
   * strings, and fifteen thousand idle users would each hold their own.
   */
  private interned(channelId: string): string {
    let id = this.channelIds.get(channelId);
    if (id === undefined) this.channelIds.set(channelId, (id = channelId));
    return id;
  }

  /** Where the stream of changes stands now. */
  currentCursor(): string {
    return `${this.epoch}.${this.seq}`;
  }

  /** The change number a cursor stands for, or null if a delta from it would not be complete. */
  private parseCursor(cursor: string | undefined): number | null {
    if (cursor === undefined) return null;
    const dot = cursor.lastIndexOf('.');
    if (cursor.slice(0, dot) !== this.epoch) return null;
    const since = Number(cursor.slice(dot + 1));
    if (!Number.isSafeInteger(since) || since < this.deltaFloor || since > this.seq) return null;
    return since;
  }

  /**
   * Someone joined or left a channel. A leaver may stop sharing a channel with people who are
   * away and would keep showing them, so no cursor from before gets a delta. A joiner's change is
   * numbered: deltas after it include them for the channel's members, and the joiner's own
   * cursors from before it get everyone. One who is online is announced to the channel, so its
   * members (who may never have shared a channel with them) see them at once.
   */
  private membershipChanged(userId: string, channelId: string, joined: boolean): void {
    const size = this.sizes.get(channelId);
    if (size === undefined) {
      // Members join after connecting (no arrival read this channel): learn its size now.
      this.learnSize(channelId).catch(() => {});
    } else {
      const wasLarge = this.isLarge(channelId);
      this.sizes.set(channelId, size + (joined ? 1 : -1));
      if (this.isLarge(channelId) !== wasLarge) {
        // Grown large: deltas from before would list people the client is no longer told about.
        this.deltaFloor = ++this.seq;
        // The members' connections hold statuses nobody updates any more (grown), or lack those
        // they are pushed now (shrunk). Told after this message's other listeners are done (the
        // gateway moves the joiner's or leaver's connections in or out of the channel).
        queueMicrotask(() => this.bus.publish({ kind: 'regrouped', channelId }));
      }
    }
    const entry = this.online.get(userId) ?? this.departed.get(userId);
    if (!joined) this.deltaFloor = ++this.seq;
    if (!entry) return; // not seen since this process started: its cursors are all worthless
    const others = entry.channelIds.filter((id) => id !== channelId);
    entry.channelIds = joined ? [...others, this.interned(channelId)] : others;
    if (!joined) return;
    entry.joinedSeq = this.stamp(userId, entry);
    if (this.online.get(userId) !== entry || this.isLarge(channelId)) return;
    this.publish(userId, entry, [channelId], { status: this.status(userId), lastSeen: null });
  }

  private async learnSize(channelId: string): Promise<void> {
    const channel = await this.store.findChannel(channelId);
    if (channel && !this.sizes.has(channelId)) this.sizes.set(this.interned(channelId), channel.memberCount);
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
    const gone: Departed = {
      username: entry.username,
      lastSeen: since,
      seq: entry.seq,
      channelIds: entry.channelIds,
      joinedSeq: entry.joinedSeq,
    };
    this.departed.set(userId, gone);
    if (this.departed.size > DEPARTED_KEPT) {
      const [oldest, dropped] = this.departed.entries().next().value!;
      this.departed.delete(oldest);
      this.deltaFloor = Math.max(this.deltaFloor, dropped.seq);
    }
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

  /** Tells everyone who shares a channel with the user of a change of status (`before`: null forces it). */
  private async announce(
    userId: string,
    username: string,
    before: PresenceStatus | null,
    lastSeen: number | null,
  ): Promise<void> {
    if (this.status(userId) === before) return;
    const channelIds: string[] = [];
    for (const { channelId, memberCount } of await this.store.memberChannelSizes(userId)) {
      this.sizes.set(this.interned(channelId), memberCount);
      channelIds.push(channelId);
    }
    // The status may have moved on during the read; whatever it is now is what goes out.
    const status = this.status(userId);
    const change = status === 'offline' ? this.departed.get(userId) : this.online.get(userId);
    if (change) change.channelIds = channelIds.map((id) => this.interned(id));
    this.publish(userId, change ?? { username, seq: 0, channelIds, joinedSeq: 0 }, channelIds, {
      status,
      lastSeen: status === 'offline' ? lastSeen : null,
    });
  }

  private record(userId: string): (Change & { username: string }) | undefined {
    return this.online.get(userId) ?? this.departed.get(userId);
  }

  /** Gives the user's record the next change number, and logs it. */
  private stamp(userId: string, change: Change): number {
    change.seq = ++this.seq;
    this.log.add(change.seq, userId);
    const records = this.online.size + this.departed.size;
    if (this.log.length > 2 * records + 1024) {
      const all = (map: Map<string, Change>) => [...map].map(([id, c]): [string, number] => [id, c.seq]);
      this.log.rebuild([...all(this.online), ...all(this.departed)]);
    }
    return change.seq;
  }

  /**
   * Numbers a change to the user's presence and sends it to the connections of the channels that
   * are not large (the gateway adds those watching the user).
   */
  private publish(
    userId: string,
    change: Change & { username: string },
    channelIds: readonly string[],
    state: Pick<Presence, 'status' | 'lastSeen'>,
  ): void {
    this.stamp(userId, change);
    this.bus.publish({
      kind: 'channels',
      channelIds: channelIds.filter((id) => !this.isLarge(id)),
      event: { type: 'presence', userId, username: change.username, ...state, cursor: this.currentCursor() },
    });
  }
}
