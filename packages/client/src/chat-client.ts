import { ChatError, ErrorCode, HttpRoute, RETRYABLE_CODES } from '@segmentchat/protocol';
import type {
  Channel,
  EventType,
  Message,
  Presence,
  RequestParams,
  RequestResult,
  RequestType,
  ServerEvent,
  User,
} from '@segmentchat/protocol';
import type { CacheStore } from './cache-store.ts';
import { CacheWriter } from './cache-writer.ts';
import { ChannelDirectory } from './channel-directory.ts';
import { Connection } from './connection.ts';
import type { ConnectionPhase, HelloResult } from './connection.ts';
import { MemoryOutboxStore } from './memory-outbox-store.ts';
import { Outbox } from './outbox.ts';
import type { OutboxLock } from './outbox-lock.ts';
import { alwaysGrantedLock } from './outbox-lock.ts';
import type { OutboxStore, PendingMessage } from './outbox-store.ts';
import { PeerManager } from './peers/peer-manager.ts';
import { StreamManager } from './streams/stream-manager.ts';
import type { PeerContext, PeerSelf } from './peers/peer-context.ts';
import type { DirectMessageStore } from './peers/direct-message-store.ts';
import { MemoryDirectMessageStore } from './peers/direct-message-store.ts';
import { defaultRtc } from './peers/rtc-like.ts';
import type { RtcPeerConnectionCtor } from './peers/rtc-like.ts';
import { PresenceTracker } from './presence-tracker.ts';
import { PresenceWatch } from './presence-watch.ts';
import { ReadMarkSender } from './read-mark-sender.ts';
import { exponentialBackoff } from './reconnect-policy.ts';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import { SyncManager } from './sync-manager.ts';
import { Timeline } from './timeline.ts';
import { TypedEmitter } from './typed-emitter.ts';
import { TypingTracker } from './typing-tracker.ts';
import type { WebSocketLike } from './web-socket-like.ts';
import { webSocketUrl } from './web-socket-like.ts';

/**
 * `connecting`: first connection (socket, hello, initial sync); `online`: synced and live;
 * `reconnecting`: lost it, retrying with backoff; `offline`: not started, or the browser says
 * there is no network; `closed`: `close()` was called or the session is gone (no retries).
 */
export type ConnectionState = 'connecting' | 'online' | 'offline' | 'reconnecting' | 'closed';

export interface ChatClientOptions {
  /** `http(s)://host:port`; the WebSocket is `ws(s)://host:port/ws`. */
  url: string;
  /** Bearer token for Node and bots; browsers rely on the session cookie. */
  token?: string;
  /** Node: `WebSocket` from 'ws'; browsers: defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketLike;
  outboxStore?: OutboxStore;
  /** Lets clients sharing one outbox store (tabs) take turns sending. */
  outboxLock?: OutboxLock;
  cacheStore?: CacheStore;
  reconnect?: ReconnectPolicy;
  /** Outbox sends in flight at once (default 1, which keeps the order under rate limits; see Outbox). */
  sendWindow?: number;
  requestTimeoutMs?: number;
  heartbeatMs?: number;
  /**
   * Check every event and reply against the protocol schemas (default true). Load tools that
   * trust the server may turn it off to save CPU per event.
   */
  validateFrames?: boolean;
  /** Messages per history page (default 50). */
  historyPageSize?: number;
  /**
   * Messages kept in memory per channel (default 5,000, about 5 MB of text at worst); the
   * oldest are dropped beyond it and `loadOlder` fetches them again.
   */
  maxMessagesPerChannel?: number;
  /**
   * WebRTC for direct messages and hosted channels: defaults to the browser's RTCPeerConnection;
   * in Node pass `RTCPeerConnection` from 'werift'; null keeps everything on the server path.
   */
  rtc?: RtcPeerConnectionCtor | null;
  /** Where direct DMs are kept (the server never has them); memory by default. */
  directMessageStore?: DirectMessageStore;
}

export type ClientEvents = {
  state: (state: ConnectionState) => void;
  /** Anything readable changed (coalesced per microtask). */
  change: () => void;
  /** Every server event, after the client applied it. */
  event: (event: ServerEvent) => void;
  /** A message new to this client (live, sync or ack; not history or cache). */
  message: (message: Message) => void;
  /** The session is gone (signed out, revoked, disabled); the client is closed. */
  sessionEnded: (reason: string) => void;
  /** The connection gave up (session, protocol version); the client is closed. */
  error: (error: ChatError) => void;
};

type Handlers = { [T in EventType]: (event: Extract<ServerEvent, { type: T }>) => void };

/** Typing notices go out at most every 3 s; receivers expire them after 5 s. */
const TYPING_THROTTLE_MS = 3_000;

/**
 * The SDK's client: composes the connection, outbox, sync manager and the read models
 * (channels, timelines, presence, typing), and exposes them as plain getters with stable
 * snapshots plus `subscribe`/`getVersion` for React's useSyncExternalStore.
 */
export class ChatClient extends TypedEmitter<ClientEvents> {
  private stateValue: ConnectionState = 'offline';
  private closedByValue: ChatError | null = null;
  private userValue: User | null = null;
  private connectionIdValue: string | null = null;
  private readonly connection: Connection;
  private readonly outbox: Outbox;
  private readonly sync: SyncManager;
  private readonly directory = new ChannelDirectory();
  private readonly timelines = new Map<string, Timeline>();
  private readonly presenceTracker = new PresenceTracker();
  private readonly presenceWatch = new PresenceWatch({
    request: (userIds) =>
      this.connection
        .request('presence.watch', { userIds: [...userIds] })
        .then((r) => ({ presence: r.presence, cursor: r.presenceCursor })),
    online: () => this.connection.phase === 'ready',
    watching: (userIds) => this.presenceTracker.watch(userIds),
    answered: ({ presence, cursor }) => {
      let changed = false;
      for (const p of presence) changed = this.presenceTracker.watchedAsOf(p, cursor) || changed;
      if (changed) this.changed();
    },
  });
  private readonly typing = new TypingTracker(() => this.changed());
  private readonly cache: CacheWriter | null;
  private readonly loadingOlder = new Map<string, Promise<boolean>>();
  private readonly typingSentAt = new Map<string, number>();
  // Offline when its turn comes, a mark is not sent: the next hello sends what the server lacks.
  private readonly readMarks = new ReadMarkSender((channelId, seq) => {
    if (this.stateValue === 'online')
      this.connection.request('channel.markRead', { channelId, seq }).catch(() => undefined);
  });
  private readonly listeners = new Set<() => void>();
  private version = 0;
  private notifyScheduled = false;
  private generation = 0;
  private hadOnline = false;
  private sessionEndedReason: string | null = null;
  private connectPromise: Promise<void> | null = null;
  private firstOnline: { resolve: () => void; reject: (e: ChatError) => void } | null = null;
  private readonly removeNetworkListeners: () => void;
  private readonly historyPageSize: number;
  private peerSelf: PeerSelf | null = null;
  /** Direct messages and hosted channels (peer-to-peer, with the server as fallback). */
  readonly peers: PeerManager;
  /** Live camera streams: which channels are live, this client's broadcast, what it watches. */
  readonly streams: StreamManager;

  constructor(private readonly options: ChatClientOptions) {
    super();
    const WebSocketCtor = options.WebSocket ?? globalThis.WebSocket;
    if (!WebSocketCtor)
      throw ChatError.invalid('No WebSocket implementation: pass `WebSocket` from the ws package');
    this.historyPageSize = options.historyPageSize ?? 50;
    this.connection = new Connection({
      url: webSocketUrl(options.url, HttpRoute.WS),
      WebSocket: WebSocketCtor,
      token: options.token,
      reconnect: options.reconnect ?? exponentialBackoff(),
      ...(options.requestTimeoutMs !== undefined && { requestTimeoutMs: options.requestTimeoutMs }),
      ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
      ...(options.validateFrames !== undefined && { validate: options.validateFrames }),
      resumeFrom: () => {
        const presenceCursor = this.presenceTracker.cursor;
        const sync = this.sync.helloParams();
        return { ...(presenceCursor !== undefined && { presenceCursor }), ...(sync && { sync }) };
      },
    });
    this.outbox = new Outbox({
      store: options.outboxStore ?? new MemoryOutboxStore(),
      lock: options.outboxLock ?? alwaysGrantedLock,
      ...(options.sendWindow !== undefined && { window: options.sendWindow }),
      send: (e) =>
        this.peers.relay(e) ??
        this.connection
          .request('message.send', {
            channelId: e.channelId,
            clientMsgId: e.clientMsgId,
            text: e.text,
            attachments: e.attachments,
          })
          .then((r) => r.message),
    });
    this.sync = new SyncManager((params) => this.connection.request('sync', params));
    this.cache = options.cacheStore ? new CacheWriter(options.cacheStore) : null;
    this.peers = new PeerManager(this.peerContext(), {
      rtc: options.rtc === undefined ? defaultRtc() : options.rtc,
      directStore: options.directMessageStore ?? new MemoryDirectMessageStore(),
    });
    this.on('message', (m) => this.peers.onMessage(m));
    // Streams need the browser's media and WebRTC together; Node bots neither stream nor watch.
    const browserRtc =
      typeof globalThis.MediaStream === 'function' ? (globalThis.RTCPeerConnection ?? null) : null;
    this.streams = new StreamManager({
      request: (type, params) => this.connection.request(type, params),
      iceServers: () => this.peerSelf?.iceServers ?? [],
      rtc: options.rtc === null ? null : browserRtc,
      changed: () => this.changed(),
    });

    this.connection.on('phase', (phase) => this.onPhase(phase));
    this.connection.on('ready', (hello) => void this.onReady(hello));
    this.connection.on('event', (event) => this.onEvent(event));
    this.connection.on('fatal', (error) => this.onFatal(error));
    this.outbox.on('change', () => this.changed());
    this.outbox.on('delivered', (message) => this.apply([message], 'ack'));
    this.sync.on('changes', (messages) => this.apply(messages, 'sync'));
    this.sync.on('cursors', (cursors) => this.cache?.add({ cursors }));
    this.sync.on('error', (error) => {
      if (isRetryable(error)) this.connection.dropSocket('sync failed');
    });
    this.removeNetworkListeners = this.listenToNetwork();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }
  /**
   * Why the state is `closed`, when the server ended it (`PROTOCOL_MISMATCH`: the server was
   * updated and this app must be reloaded; `UNAUTHENTICATED`: signed out); null when `close()`d.
   */
  get closedBy(): ChatError | null {
    return this.closedByValue;
  }
  get user(): User | null {
    return this.userValue;
  }
  get connectionId(): string | null {
    return this.connectionIdValue;
  }

  /** Resolves once hello and the initial sync are done; rejects if the session is refused. */
  connect(): Promise<void> {
    this.connectPromise ??= new Promise<void>((resolve, reject) => {
      this.firstOnline = { resolve, reject };
      void this.start().catch((error: unknown) => {
        this.firstOnline = null;
        reject(error instanceof ChatError ? error : new ChatError(ErrorCode.INTERNAL, String(error)));
      });
    });
    return this.connectPromise;
  }

  close(): void {
    if (this.stateValue === 'closed') return;
    this.generation++;
    this.readMarks.cancel();
    this.connection.close();
    this.outbox.close();
    this.peers.close();
    this.streams.close();
    this.typing.clear();
    this.removeNetworkListeners();
    void this.cache?.flush();
    this.setState('closed');
    this.firstOnline?.reject(new ChatError(ErrorCode.UNAVAILABLE, 'Client closed'));
    this.firstOnline = null;
  }

  /** A typed request; results that change what the client shows are applied at once. */
  async request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    const result = await this.connection.request(type, params);
    const r = result as Partial<{ channel: Channel; message: Message }>;
    if (r.channel) this.applyChannel(r.channel);
    if (r.message && type !== 'message.send') this.apply([r.message], 'ack');
    if (type === 'channel.leave') this.dropChannel((params as RequestParams<'channel.leave'>).channelId);
    return result;
  }

  /**
   * `clientMsgId` is given when the caller made it earlier (a message that waited offline for its
   * images to upload), so sending it again after a crash is still exactly-once.
   */
  sendMessage(
    channelId: string,
    text: string,
    attachments?: string[],
    clientMsgId?: string,
  ): Promise<PendingMessage> {
    // The next keystroke is a new bout of typing: tell the others at once, not after the throttle.
    this.typingSentAt.delete(channelId);
    return this.outbox.add(channelId, text, attachments, clientMsgId);
  }
  retry(clientMsgId: string): Promise<void> {
    return this.outbox.retry(clientMsgId);
  }
  discard(clientMsgId: string): Promise<void> {
    return this.outbox.discard(clientMsgId);
  }

  channels(): readonly Channel[] {
    return this.directory.all();
  }
  channel(id: string): Channel | undefined {
    return this.directory.get(id);
  }
  messages(channelId: string): readonly Message[] {
    return this.timelines.get(channelId)?.messages() ?? EMPTY;
  }
  pending(channelId: string): readonly PendingMessage[] {
    return this.outbox.pending(channelId);
  }

  /** Fetches the page before the oldest loaded message; resolves with whether more remain. */
  loadOlder(channelId: string): Promise<boolean> {
    let p = this.loadingOlder.get(channelId);
    if (!p) {
      p = this.fetchOlder(channelId).finally(() => this.loadingOlder.delete(channelId));
      this.loadingOlder.set(channelId, p);
    }
    return p;
  }

  presence(userId: string): Presence | undefined {
    return this.presenceTracker.get(userId);
  }
  /** Presence pushed by the server: the people sharing a small channel with this client. */
  allPresence(): readonly Presence[] {
    return this.presenceTracker.all();
  }
  /**
   * Keeps the presence of these users live (`presence(id)`) until the returned function is
   * called: for people shown who may share only a large channel with this client, whose presence
   * the server does not push unasked (a large channel's member list).
   */
  watchPresence(userIds: readonly string[]): () => void {
    return this.presenceWatch.add(userIds);
  }
  typingIn(channelId: string): readonly string[] {
    return this.typing.usernames(channelId);
  }

  notifyTyping(channelId: string): void {
    const now = Date.now();
    if (this.stateValue !== 'online' || now - (this.typingSentAt.get(channelId) ?? 0) < TYPING_THROTTLE_MS)
      return;
    this.typingSentAt.set(channelId, now);
    this.connection.request('typing', { channelId }).catch(() => undefined);
  }

  /** Marks everything loaded in the channel as read (locally at once, on the server when online). */
  markRead(channelId: string): void {
    const seq = Math.max(this.timelines.get(channelId)?.newestSeq() ?? 0, 0);
    if (!this.directory.advance(channelId, 'readSeq', seq)) return;
    this.changed();
    // Cached too, so an app opened offline does not count what was already read as unread.
    const read = this.directory.get(channelId);
    if (read) this.cache?.add({ channels: [read] });
    this.readMarks.mark(channelId, seq);
  }

  unreadCount(channelId: string): number {
    const c = this.directory.get(channelId);
    if (!c?.joined) return 0;
    const timeline = this.timelines.get(channelId);
    const lastSeq = Math.max(c.lastSeq, timeline?.newestSeq() ?? 0);
    if (!timeline) return Math.max(0, lastSeq - c.readSeq);
    return timeline.unreadAfter(c.readSeq, lastSeq, this.userValue?.id ?? null);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  getVersion(): number {
    return this.version;
  }

  /** For tests and "reconnect now" buttons: drop the socket; the client reconnects and resyncs. */
  reconnect(): void {
    if (this.connection.phase === 'waiting') this.connection.reconnectNow();
    else this.connection.dropSocket('reconnect requested');
  }

  // --- internals ---

  private async start(): Promise<void> {
    this.setState('connecting');
    await this.outbox.init();
    const cached = await this.cache?.load();
    if (cached?.user) {
      this.userValue = cached.user;
      this.directory.reset(cached.channels);
      for (const [channelId, messages] of Object.entries(cached.messages)) {
        // The cache holds what the timeline held: complete from its first message up.
        const t = this.timeline(channelId);
        if (messages[0]) t.extendCompleteFrom(messages[0].seq);
        for (const m of messages) t.upsert(m);
      }
      for (const [channelId, rev] of Object.entries(cached.cursors)) this.sync.track(channelId, rev);
      this.changed();
    }
    if (this.stateValue === 'closed') return;
    this.connection.start();
  }

  private async onReady(hello: HelloResult): Promise<void> {
    const generation = ++this.generation;
    if (this.userValue && this.userValue.id !== hello.user.id) {
      this.resetAll();
      if (hello.presenceDelta) {
        // Another account (a browser's cookie changed): the delta was of the last one's people.
        this.presenceTracker.forgetCursor();
        this.connection.dropSocket('signed in as someone else');
        return;
      }
    }
    this.userValue = hello.user;
    this.connectionIdValue = hello.connectionId;
    this.peerSelf = {
      user: hello.user,
      connectionId: hello.connectionId,
      relayKey: hello.relayKey,
      iceServers: hello.iceServers,
    };
    const previousRead = new Map(this.directory.all().map((c) => [c.id, c.readSeq]));
    this.directory.reset(hello.channels);
    this.presenceTracker.hello(hello);
    this.presenceWatch.reconnected();
    const joined = new Set(hello.channels.filter((c) => c.joined).map((c) => c.id));
    for (const id of this.sync.tracked()) if (!joined.has(id)) this.dropChannel(id);
    const joinedNow: string[] = [];
    for (const c of hello.channels) {
      if (!c.joined) continue;
      const cursor = this.sync.cursor(c.id);
      // A cursor past the server's head means the server's data was replaced: start over.
      if (cursor !== undefined && cursor > c.rev) this.dropChannel(c.id);
      if (this.sync.cursor(c.id) === undefined) this.track(c);
      joinedNow.push(c.id);
      const read = previousRead.get(c.id) ?? 0;
      if (read > c.readSeq)
        this.connection.request('channel.markRead', { channelId: c.id, seq: read }).catch(() => undefined);
    }
    this.cache?.add({ user: hello.user, channels: [...hello.channels] });
    this.changed();
    this.peers.onReady();
    this.streams.onReady(hello.streams);
    try {
      // Sync first: a cursor restored from the cache without messages learns where its
      // timeline is complete from the first message sync brings (see Timeline). Hello brought
      // the first page.
      await this.sync.resume(hello.sync);
      // Then a first page for channels that show less than a page and have older messages. A
      // channel that vanished since hello (NOT_FOUND) must not hold the others back.
      const short = joinedNow.filter((id) => {
        const t = this.timeline(id);
        return t.size < this.historyPageSize && t.hasMoreOlder;
      });
      await Promise.all(
        short.map((id) =>
          this.loadOlder(id).catch((error: unknown) => {
            if (isRetryable(error)) throw error;
          }),
        ),
      );
    } catch (error) {
      // The socket dropped (a new hello runs this again) or the server failed for now: retry by
      // policy. A refusal that a retry cannot fix would loop forever, so go online without it.
      if (isRetryable(error)) {
        if (generation === this.generation && this.connection.phase === 'ready')
          this.connection.dropSocket('initial sync failed');
        return;
      }
    }
    if (generation !== this.generation) return;
    this.hadOnline = true;
    this.setState('online');
    this.outbox.setOnline(true);
    this.firstOnline?.resolve();
    this.firstOnline = null;
  }

  private onPhase(phase: ConnectionPhase): void {
    if (phase !== 'ready') this.outbox.setOnline(false);
    switch (phase) {
      case 'idle':
      case 'ready':
        return; // 'online' is set once the initial sync is done
      case 'connecting':
        this.setState(this.hadOnline ? 'reconnecting' : 'connecting');
        return;
      case 'waiting':
        this.setState(isBrowserOffline() ? 'offline' : this.hadOnline ? 'reconnecting' : 'connecting');
        return;
      case 'closed':
        this.setState('closed');
        return;
    }
  }

  private adjustMemberCount(channelId: string, delta: number): void {
    const c = this.directory.get(channelId);
    if (!c) return;
    this.directory.upsert({ ...c, memberCount: Math.max(0, c.memberCount + delta) });
    this.changed();
  }

  private onFatal(error: ChatError): void {
    this.generation++;
    this.outbox.close();
    this.peers.close();
    this.streams.close();
    if (error.code === ErrorCode.UNAUTHENTICATED && this.hadOnline) {
      this.emit('sessionEnded', this.sessionEndedReason ?? error.message);
    }
    this.closedByValue = error;
    this.setState('closed');
    this.emit('error', error);
    this.firstOnline?.reject(error);
    this.firstOnline = null;
  }

  private readonly handlers: Handlers = {
    'message.new': (e) => this.apply([e.message], 'live'),
    'message.updated': (e) => this.apply([e.message], 'live'),
    'channel.updated': (e) => this.applyChannel(e.channel),
    'channel.removed': (e) => {
      this.presenceTracker.forgetCursor();
      this.dropChannel(e.channelId);
    },
    // The joiner and the leaver get `channel.updated` / `channel.removed` instead.
    'member.joined': (e) => {
      if (e.member.userId !== this.userValue?.id) this.adjustMemberCount(e.channelId, 1);
    },
    'member.left': (e) => {
      this.presenceTracker.forgetCursor();
      if (e.userId !== this.userValue?.id) this.adjustMemberCount(e.channelId, -1);
    },
    presence: ({ type: _t, cursor, watched, ...p }) => {
      const changed = watched
        ? this.presenceTracker.updateWatched(p, cursor)
        : this.presenceTracker.update(p, cursor);
      if (changed) this.changed();
    },
    'presence.reset': (e) => {
      this.presenceTracker.hello({ presence: e.presence, presenceDelta: false, presenceCursor: e.cursor });
      this.changed();
    },
    typing: (e) => {
      if (e.userId !== this.userValue?.id) this.typing.typing(e.channelId, e.userId, e.username);
    },
    signal: () => undefined,
    'host.status': () => undefined,
    'stream.started': () => undefined,
    'stream.updated': () => undefined,
    'stream.ended': () => undefined,
    'session.ended': (e) => {
      this.sessionEndedReason = e.reason;
    },
    'server.shutdown': () => undefined,
  };

  private onEvent(event: ServerEvent): void {
    (this.handlers[event.type] as (e: ServerEvent) => void)(event);
    this.peers.onEvent(event);
    this.streams.onEvent(event);
    this.emit('event', event);
  }

  /** Applies messages from any path; idempotent by (channel, seq, rev). */
  private apply(messages: readonly Message[], source: 'live' | 'sync' | 'ack'): void {
    const added: Message[] = [];
    const stored: Message[] = [];
    for (const m of messages) {
      if (source === 'live') this.sync.live(m);
      const t = this.timeline(m.channelId);
      const result = t.upsert(m);
      if (result === 'ignored') continue;
      stored.push(m);
      if (result === 'added') {
        added.push(m);
        this.directory.advance(m.channelId, 'lastSeq', m.seq);
        if (m.authorId) this.typing.stopped(m.channelId, m.authorId);
      }
      if (m.authorId !== null && m.authorId === this.userValue?.id) this.outbox.seen(m);
    }
    if (stored.length === 0) return;
    // Trim with 10% slack so a busy channel does not copy its array on every message.
    const max = this.options.maxMessagesPerChannel ?? 5_000;
    for (const m of added) {
      const t = this.timelines.get(m.channelId);
      if (t && t.size > max * 1.1) t.trim(max);
    }
    this.cache?.add({ messages: stored });
    this.changed();
    for (const m of added) this.emit('message', m);
  }

  private applyChannel(channel: Channel): void {
    if (!channel.joined && this.sync.cursor(channel.id) !== undefined) this.dropChannel(channel.id);
    const merged = this.directory.upsert(channel);
    this.cache?.add({ channels: [merged] });
    if (channel.joined && this.sync.cursor(channel.id) === undefined) {
      this.track(channel);
      // The newest page, then whatever changed since (a message can race the join).
      this.loadOlder(channel.id)
        .then(() => this.sync.run())
        .catch(() => undefined);
    }
    this.changed();
  }

  private dropChannel(channelId: string): void {
    this.sync.untrack(channelId);
    this.timelines.delete(channelId);
    const existing = this.directory.get(channelId);
    if (existing?.visibility === 'public' && existing.kind === 'channel') {
      this.directory.upsert({ ...existing, joined: false });
    } else {
      this.directory.remove(channelId);
    }
    this.cache?.add({ removeChannels: [channelId] });
    this.changed();
  }

  /**
   * Starts following a channel from its current head: sync and live events bring everything
   * after `rev` (so every seq above `lastSeq`); history pages bring what is older.
   */
  private track(c: Channel): void {
    this.sync.track(c.id, c.rev);
    this.timeline(c.id).extendCompleteFrom(c.lastSeq + 1);
  }

  private async fetchOlder(channelId: string): Promise<boolean> {
    const t = this.timeline(channelId);
    if (!t.hasMoreOlder) return false;
    const beforeSeq = t.completeFrom;
    const params: RequestParams<'message.history'> = { channelId, limit: this.historyPageSize };
    if (beforeSeq !== null) params.beforeSeq = beforeSeq;
    const page = await this.connection.request('message.history', params);
    if (this.timelines.get(channelId) !== t) return false; // channel dropped meanwhile
    t.addHistory(page.messages, page.hasMore);
    if (page.messages.length > 0) this.cache?.add({ messages: page.messages });
    for (const m of page.messages)
      if (m.authorId !== null && m.authorId === this.userValue?.id) this.outbox.seen(m);
    this.changed();
    return page.hasMore;
  }

  private peerContext(): PeerContext {
    return {
      request: (type, params) => this.connection.request(type, params),
      self: () => this.peerSelf,
      channel: (id) => this.directory.get(id),
      channels: () => this.directory.all(),
      presence: (id) => this.presenceTracker.get(id),
      serverMessages: (id) => this.messages(id),
      pending: (id) => this.outbox.pending(id),
      applyLive: (messages) => this.apply(messages, 'live'),
      resync: () => void this.sync.run().catch(() => undefined),
      enqueue: (channelId, text, clientMsgId) => this.outbox.add(channelId, text, [], clientMsgId),
      changed: () => this.changed(),
    };
  }

  private timeline(channelId: string): Timeline {
    let t = this.timelines.get(channelId);
    if (!t) {
      t = new Timeline();
      this.timelines.set(channelId, t);
    }
    return t;
  }

  private resetAll(): void {
    for (const id of this.sync.tracked()) this.sync.untrack(id);
    this.timelines.clear();
    this.directory.reset([]);
    this.typing.clear();
    this.cache?.add({ clear: true });
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state || this.stateValue === 'closed') return;
    this.stateValue = state;
    this.emit('state', state);
    this.changed();
  }

  /** Bumps the version now; tells subscribers once per microtask (a sync page is one change). */
  private changed(): void {
    this.version++;
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const l of [...this.listeners]) l();
      this.emit('change');
    });
  }

  /** Browsers: drop the socket when the network goes, retry at once when it returns. */
  private listenToNetwork(): () => void {
    const target = globalThis as unknown as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
    if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function')
      return () => {};
    const online = () => this.connection.reconnectNow();
    const offline = () => {
      this.connection.dropSocket('network offline');
      if (this.stateValue !== 'closed') this.setState('offline');
    };
    target.addEventListener('online', online);
    target.addEventListener('offline', offline);
    return () => {
      target.removeEventListener?.('online', online);
      target.removeEventListener?.('offline', offline);
    };
  }
}

const EMPTY: readonly Message[] = Object.freeze([]);

/** Lost connections, timeouts and server trouble: worth another try on a new connection. */
function isRetryable(error: unknown): boolean {
  return !(error instanceof ChatError) || RETRYABLE_CODES.has(error.code);
}

function isBrowserOffline(): boolean {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  return nav?.onLine === false;
}
