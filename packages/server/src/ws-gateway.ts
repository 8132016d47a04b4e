import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import {
  ChatError,
  CloseCode,
  ErrorCode,
  HttpRoute,
  Limits,
  PROTOCOL_VERSION,
  SESSION_COOKIE,
  parseClientFrame,
} from '@segmentchat/protocol';
import type { ErrorBody, RequestFrame, RequestResult, RequestType, ServerEvent } from '@segmentchat/protocol';
import type { BusMessage } from './bus.ts';
import { ChannelFanout } from './channel-fanout.ts';
import { Connection } from './connection.ts';
import { PreparedReply } from './prepared-reply.ts';
import { clientIp, cookieValue, originAllowed } from './request-origin.ts';
import type { Handler, Handlers } from './request-handlers.ts';
import type { Services } from './services.ts';
import { syncFields } from './sync-reply.ts';

/** ws-level pings find dead TCP connections (laptop lid closed) that never send a FIN. */
const HEARTBEAT_MS = 30_000;

/** How long a socket's closing handshake may take before the socket is destroyed. */
export const CLOSE_HANDSHAKE_MS = 3_000;
/**
 * How long a join or a leave in a large channel may wait to share a write with others. Members
 * see the count change within it; a class walking in at once costs each member a few writes,
 * not one per arrival (a thousand people joining one after another: half a million writes).
 */
export const MEMBERSHIP_PATIENCE_MS = 500;

/**
 * A `ws` socket that knows its Connection and hands its events straight to the gateway
 * (`emit` below, made per gateway), rather than through listeners registered on every socket:
 * five listeners made each socket's listener table a dictionary of ~280 bytes, on every idle
 * connection. Listeners others add (`once('close')`) still run, after the gateway's handling.
 */
class GatewaySocket extends WebSocket {
  conn: Connection | null = null;

  /**
   * EventEmitter gives every emitter a `{ __proto__: null }` listener table, which V8 keeps as a
   * dictionary (~190 bytes); few of these sockets ever get a listener, so theirs starts empty in
   * fast mode (~30 bytes), with nothing inherited either.
   */
  protected _events: object = new NoListeners();
}

/** An empty listener table (see GatewaySocket). */
const NoListeners = function NoListeners() {} as unknown as new () => object;
NoListeners.prototype = Object.create(null) as object;

/** The connections subscribed to a channel, and the one copy of its id they all refer to. */
class ChannelSockets extends Set<Connection> {
  constructor(readonly channelId: string) {
    super();
  }
}

/**
 * Answers an upgrade with an HTTP error and closes the socket once the answer is written. Only
 * ending it would leave it half-open (the HTTP server allows that) until the client closes its
 * side, and the server's close waits for every open socket.
 */
function refuseUpgrade(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`, () => socket.destroy());
}

function errorBody(e: unknown): ErrorBody {
  if (e instanceof ChatError) return e.toBody();
  return { code: ErrorCode.INTERNAL, message: 'Internal error' };
}

/**
 * The WebSocket edge: checks the upgrade, validates every frame with the protocol schemas, runs
 * the handler, and fans bus events out to the right sockets. Events are serialized once and the
 * same bytes written to every recipient.
 */
export class WsGateway {
  private readonly wss: WebSocketServer;
  private readonly all = new Set<Connection>();
  /** A user's connections: most have one or two, so an array, not a Set (~160 bytes each). */
  private readonly byUser = new Map<string, Connection[]>();
  private readonly byChannel = new Map<string, ChannelSockets>();
  private readonly unsubscribe: () => void;
  private readonly stopAfterCommit: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  /**
   * Connections that have not said hello, with their deadline. One sweep closes the late ones,
   * rather than a timer per connection that outlives the hello on every idle socket.
   */
  private readonly awaitingHello = new Map<Connection, number>();
  private readonly helloSweep: NodeJS.Timeout;
  private readonly fanout: ChannelFanout;
  /** Set while `close` waits for the last socket to finish its closing handshake. */
  private allClosed: (() => void) | null = null;
  /** From the start of `close`: sockets opened after it would never be closed, nor let it end. */
  private closing = false;

  constructor(
    private readonly services: Services,
    private readonly handlers: Handlers,
  ) {
    // Refusing big frames in `ws` itself (close 1009) means they are never buffered whole.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: Limits.FRAME_BYTES_MAX,
      WebSocket: this.socketClass(),
      // `ws` answers pings itself through a closure made for every socket (~100 bytes each on
      // idle connections); the shared `ping` listener below answers them instead.
      autoPong: false,
      // The gateway keeps its own set of connections; `ws`'s would cost every socket a closure
      // and a `close` listener more.
      clientTracking: false,
      // A closing handshake the peer never answers (its network gone without a FIN) would hold
      // a restart or shutdown for ws's default 30 s; after this the socket is destroyed. (A
      // spread: the option is newer than @types/ws.)
      ...{ closeTimeout: CLOSE_HANDSHAKE_MS },
    });
    this.fanout = new ChannelFanout(
      (channelId) => this.byChannel.get(channelId),
      services.config.fanoutHoldMs,
      services.metrics,
    );
    this.unsubscribe = services.bus.subscribe((m) => this.onBus(m));
    this.stopAfterCommit = services.batcher.afterEachCommit(() => this.fanout.flushDue());
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS).unref();
    const helloTimeoutMs = services.config.helloTimeoutMs;
    this.helloSweep = setInterval(() => this.closeLateHellos(), Math.min(1000, helloTimeoutMs / 3)).unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  get connectionCount(): number {
    return this.all.size;
  }

  /** Tells every client the server is going, closes the sockets with 1001 (or 4012 on restart). */
  async close(restart = false): Promise<void> {
    this.closing = true;
    this.unsubscribe();
    this.stopAfterCommit();
    clearInterval(this.heartbeat);
    clearInterval(this.helloSweep);
    this.fanout.flushAll();
    const bytes = Buffer.from(
      JSON.stringify({ type: 'server.shutdown', restart, at: Date.now() } satisfies ServerEvent),
    );
    for (const c of this.all) {
      c.sendBytes(bytes);
      c.close(restart ? CloseCode.RESTARTING : 1001, restart ? 'Server restarting' : 'Server shutting down');
    }
    if (this.all.size > 0) await new Promise<void>((resolve) => (this.allClosed = resolve));
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closing) {
      // A client told to reconnect (4012) may come back before the last handshake is done; it
      // retries and finds the restarted server.
      refuseUpgrade(socket, '503 Service Unavailable\r\nRetry-After: 1');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== HttpRoute.WS) {
      refuseUpgrade(socket, '404 Not Found');
      return;
    }
    const cookieToken = cookieValue(req.headers.cookie, SESSION_COOKIE);
    // A browser sends the cookie to us whatever page opened the socket; only our own pages
    // (or configured origins) may use it, or any site could chat in the user's name.
    if (cookieToken !== undefined && !originAllowed(req, this.services.config.allowedOrigins)) {
      refuseUpgrade(socket, '403 Forbidden');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) =>
      this.open(ws as GatewaySocket, socket, cookieToken, clientIp(req, this.services.config.trustProxy)),
    );
  }

  private open(ws: GatewaySocket, socket: Duplex, cookieToken: string | undefined, ip: string): void {
    const { config, metrics } = this.services;
    const conn = new Connection(
      ws,
      cookieToken,
      ip,
      config.limits.wsRequests,
      config.limits.socketBufferBytes,
    );
    conn.socket = socket;
    // Node's HTTP server wraps `on` and `addListener` of every socket it parses requests from;
    // after the upgrade no parser reads this one, and the two wrappers and their closure would
    // stay on every idle connection. Assigned, not deleted: a delete would turn the socket into
    // a dictionary-mode object, a kilobyte bigger.
    const inherited = Object.getPrototypeOf(socket) as Duplex;
    /* eslint-disable @typescript-eslint/unbound-method -- put back on a socket, called as its method */
    socket.on = inherited.on;
    socket.addListener = inherited.addListener;
    /* eslint-enable @typescript-eslint/unbound-method */
    ws.conn = conn;
    this.all.add(conn);
    this.awaitingHello.set(conn, Date.now() + config.helloTimeoutMs);
    metrics.connections = this.all.size;
  }

  /** The socket class of this gateway's server: its `emit` is where socket events arrive. */
  private socketClass(): typeof GatewaySocket {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- `this` in `emit` is the socket
    const gateway = this;
    return class extends GatewaySocket {
      override emit(event: string | symbol, a?: unknown, b?: unknown): boolean {
        const conn = this.conn;
        switch (event) {
          case 'message':
            if (conn) void gateway.onFrame(conn, a as RawData, b as boolean);
            break;
          case 'ping':
            this.pong(a);
            break;
          case 'pong':
            if (conn) conn.alive = true;
            break;
          case 'error':
            conn?.close(1011, 'Socket error');
            // With no listener of its own, EventEmitter would throw the error.
            return this.listenerCount('error') > 0 ? super.emit(event, a) : true;
          case 'close':
            if (conn) gateway.closed(conn);
            break;
        }
        return super.emit(event, a, b);
      }
    };
  }

  private closed(conn: Connection): void {
    this.awaitingHello.delete(conn);
    this.all.delete(conn);
    if (this.all.size === 0) this.allClosed?.();
    this.services.metrics.connections = this.all.size;
    const userId = conn.userId;
    if (!userId) return;
    const mine = this.byUser.get(userId) ?? [];
    const at = mine.indexOf(conn);
    if (at >= 0) mine.splice(at, 1);
    if (mine.length === 0) this.byUser.delete(userId);
    for (const ch of conn.channels) {
      const set = this.byChannel.get(ch);
      set?.delete(conn);
      if (set?.size === 0) this.byChannel.delete(ch);
    }
    this.services.watchers.unwatchAll(conn);
    this.services.presence.disconnect(userId, conn.id, conn.channels).catch(() => {});
  }

  private closeLateHellos(): void {
    const now = Date.now();
    for (const [conn, deadline] of this.awaitingHello) {
      if (deadline > now) continue;
      this.awaitingHello.delete(conn);
      if (!conn.principal) conn.close(CloseCode.POLICY, 'No hello in time');
    }
  }

  private async onFrame(conn: Connection, data: RawData, isBinary: boolean): Promise<void> {
    this.services.metrics.framesIn++;
    const wait = conn.takeToken();
    if (wait > 0) return this.refuse(conn, null, ChatError.rateLimited(wait).toBody());
    if (isBinary)
      return this.refuse(conn, null, { code: ErrorCode.INVALID, message: 'Frames must be JSON text' });
    const parsed = parseClientFrame(
      Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'),
    );
    if (!parsed.ok) return this.refuse(conn, parsed.id, parsed.error);
    const frame = parsed.frame;
    if (frame.type === 'hello' && !conn.principal && !conn.hello) {
      conn.hello = this.hello(conn, frame);
      return;
    }
    if (conn.hello && !(await conn.hello)) return;
    conn.hello = null; // signed in: later frames need not wait
    if (!conn.principal) {
      conn.fail(frame.id, { code: ErrorCode.UNAUTHENTICATED, message: 'Say hello first' });
      conn.close(CloseCode.POLICY, 'Frames before hello');
      return;
    }
    conn.strikes = 0;
    await this.dispatch(conn, frame);
  }

  private refuse(conn: Connection, id: number | null, error: ErrorBody): void {
    this.services.metrics.frameErrors++;
    conn.fail(id, error);
    if (++conn.strikes > this.services.config.limits.wsFloodStrikes)
      conn.close(CloseCode.POLICY, 'Too many bad or excess frames');
  }

  private async dispatch(conn: Connection, frame: RequestFrame): Promise<void> {
    const principal = conn.principal!;
    try {
      if (principal.user.mustChangePassword && frame.type !== 'ping') {
        throw new ChatError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first');
      }
      const handler = this.handlers[frame.type] as Handler<RequestType>;
      const result = await handler(
        { user: principal.user, connection: conn, services: this.services },
        frame.params,
      );
      conn.reply(frame.id, result);
    } catch (e) {
      if (!(e instanceof ChatError)) console.error(`request ${frame.type} failed`, e);
      conn.fail(frame.id, errorBody(e));
    }
  }

  private async hello(conn: Connection, frame: RequestFrame<'hello'>): Promise<boolean> {
    const { accounts, channels, presence, store, config } = this.services;
    if (frame.params.protocol !== PROTOCOL_VERSION) {
      conn.fail(frame.id, {
        code: ErrorCode.PROTOCOL_MISMATCH,
        message: `This server speaks protocol ${PROTOCOL_VERSION}`,
      });
      conn.close(CloseCode.PROTOCOL_VERSION, 'Protocol version mismatch');
      return false;
    }
    try {
      const principal = await accounts.authenticate(frame.params.token ?? conn.cookieToken);
      if (conn.ws.readyState !== conn.ws.OPEN) return false;
      // The socket lives for hours and nothing on it checks a password (the HTTP routes that do
      // read the user afresh), so the hash is not kept in memory with it.
      const { user } = principal; // a row of its own, read for this hello
      user.passwordHash = null;
      conn.principal = principal;
      this.awaitingHello.delete(conn);
      const mine = this.byUser.get(user.id);
      if (mine) mine.push(conn);
      else this.byUser.set(user.id, [conn]);
      const locked = user.mustChangePassword;
      for (const ch of locked ? [] : await store.memberChannelIds(user.id))
        this.subscribe(conn, ch, true, false);
      conn.channels = conn.channels.slice();
      await presence.connect(user, conn.id);
      const channelList = locked ? [] : await channels.mine(user);
      const streams = locked ? [] : await this.services.streams.list(user);
      // After subscribing: what is committed later comes live, so the page leaves no gap.
      const wanted = frame.params.sync;
      const sync =
        wanted &&
        (locked
          ? { pages: [], cursors: {}, hasMore: false }
          : await this.services.messages.sync(user, wanted));
      if (conn.ws.readyState !== conn.ws.OPEN) return false;
      // Last, in the turn of the reply: a presence event queued before it is older than the
      // snapshot, and one queued after it carries a later cursor.
      const presenceReply = presence.hello(
        user.id,
        locked ? undefined : frame.params.presenceCursor,
        new Set(conn.channels),
        () => (locked ? [] : this.coMembers(conn)),
      );
      const result = {
        user: {
          id: user.id,
          username: user.username,
          role: user.role,
          mustChangePassword: user.mustChangePassword,
        },
        connectionId: conn.id,
        serverTime: Date.now(),
        channels: channelList,
        ...presenceReply,
        iceServers: config.iceServers,
        relayKey: this.services.relayKey(user.id),
        streams,
      } satisfies Omit<RequestResult<'hello'>, 'sync'>;
      if (!sync) conn.reply(frame.id, result);
      else
        conn.reply(
          frame.id,
          new PreparedReply([JSON.stringify(result).slice(1, -1), ',"sync":{', ...syncFields(sync), '}']),
        );
      return true;
    } catch (e) {
      conn.fail(frame.id, errorBody(e));
      conn.close(CloseCode.UNAUTHENTICATED, 'Not signed in');
      return false;
    }
  }

  private onBus(m: BusMessage): void {
    switch (m.kind) {
      case 'channel': {
        const conns = this.byChannel.get(m.channelId);
        if (!conns) return;
        const json = m.eventJson ?? JSON.stringify(m.event);
        if (m.exceptUser === undefined && m.exceptConnections === undefined) {
          const membership = m.event.type === 'member.joined' || m.event.type === 'member.left';
          const patient = membership && this.services.presence.isLarge(m.channelId);
          this.fanout.push(m.channelId, json, patient ? MEMBERSHIP_PATIENCE_MS : 0);
          return;
        }
        const skip = m.exceptConnections ? new Set(m.exceptConnections) : null;
        const to = [...conns].filter((c) => c.userId !== m.exceptUser && !skip?.has(c.id));
        this.fanout.pushTo(to, json);
        return;
      }
      case 'channels': {
        const seen = new Set<Connection>();
        for (const id of m.channelIds) for (const c of this.byChannel.get(id) ?? []) seen.add(c);
        if (m.event.type === 'presence') this.pushPresence(m.event, seen);
        else if (seen.size > 0) this.fanout.pushTo(seen, JSON.stringify(m.event));
        return;
      }
      case 'user': {
        const conns = this.byUser.get(m.userId);
        if (!conns) return;
        const bytes = Buffer.from(JSON.stringify(m.event));
        for (const c of conns)
          if (m.connectionId === undefined || c.id === m.connectionId) c.sendBytes(bytes);
        return;
      }
      case 'membership':
        for (const c of this.byUser.get(m.userId) ?? []) this.subscribe(c, m.channelId, m.joined);
        if (m.joined) this.tellPresence(m.userId, m.channelId);
        return;
      case 'regrouped':
        this.resetPresence(m.channelId);
        return;
      case 'disconnect':
        for (const c of [...(this.byUser.get(m.userId) ?? [])]) {
          const token = c.principal?.tokenHash;
          if (m.onlyToken !== undefined && token !== m.onlyToken) continue;
          if (m.exceptToken !== undefined && token === m.exceptToken) continue;
          c.event({ type: 'session.ended', reason: m.reason });
          c.close(CloseCode.UNAUTHENTICATED, m.reason);
        }
        return;
    }
  }

  /**
   * A presence change to the connections sharing a small channel with its user, and to those
   * watching the user, marked `watched` for those who get it for that alone. Only a user's latest
   * status matters, so a newer one replaces a queued one.
   */
  private pushPresence(event: Extract<ServerEvent, { type: 'presence' }>, sharing: Set<Connection>): void {
    const key = `presence:${event.userId}`;
    if (sharing.size > 0) this.fanout.pushTo(sharing, JSON.stringify(event), key);
    const watching = this.services.watchers.of(event.userId);
    if (!watching) return;
    const only = [...watching].filter((c) => !sharing.has(c));
    if (only.length > 0)
      this.fanout.pushTo(only, JSON.stringify({ ...event, watched: true }), `watched:${event.userId}`);
  }

  /**
   * A channel crossed the large-channel size: each connection in it is sent the presence it
   * should hold now (as a hello without a cursor would answer), which supersedes the pushed
   * changes queued for it (not the watched ones: a reset leaves those alone).
   */
  private resetPresence(channelId: string): void {
    const conns = this.byChannel.get(channelId);
    if (!conns) return;
    const { presence } = this.services;
    const cursor = presence.currentCursor();
    for (const c of conns) {
      const event = {
        type: 'presence.reset',
        presence: presence.snapshot(this.coMembers(c)),
        cursor,
      } satisfies ServerEvent;
      this.fanout.pushSuperseding(c, JSON.stringify(event), 'presence:');
    }
  }

  /**
   * Tells a user who just joined a channel who in it is online or away, as `presence` events
   * (one frame per connection): they may share no other channel, and hello told them nothing.
   */
  private tellPresence(userId: string, channelId: string): void {
    const conns = this.byUser.get(userId);
    const { presence } = this.services;
    if (!conns || presence.isLarge(channelId)) return;
    const users = this.channelUsers(channelId, new Set());
    users.delete(userId);
    const cursor = presence.currentCursor();
    for (const p of presence.snapshot(users))
      this.fanout.pushTo(conns, JSON.stringify({ type: 'presence', ...p, cursor }), `presence:${p.userId}`);
  }

  /**
   * Users with a connection subscribed to one of this connection's channels that are not large,
   * those who just left one of them and are in their presence grace period, and itself.
   */
  private coMembers(conn: Connection): Set<string> {
    const users = new Set<string>([conn.userId!]);
    for (const ch of conn.channels) if (!this.services.presence.isLarge(ch)) this.channelUsers(ch, users);
    return users;
  }

  /** Adds to `users` those connected to the channel and those in their grace period from it. */
  private channelUsers(channelId: string, users: Set<string>): Set<string> {
    for (const c of this.byChannel.get(channelId) ?? []) if (c.userId) users.add(c.userId);
    for (const id of this.services.presence.lingeringUsers(channelId)) users.add(id);
    return users;
  }

  /**
   * `compact`: leave `conn.channels` with no spare room (a push leaves room for 16 more ids,
   * ~130 bytes on a connection that may never join another channel); hello compacts once.
   */
  private subscribe(conn: Connection, channelId: string, on: boolean, compact = true): void {
    let set = this.byChannel.get(channelId);
    if (on) {
      if (!set) this.byChannel.set(channelId, (set = new ChannelSockets(channelId)));
      if (set.has(conn)) return;
      set.add(conn);
      this.fanout.subscribed(conn, set.channelId);
      // The id as the gateway keeps it: a thousand connections in a channel share one string.
      conn.channels.push(set.channelId);
      if (compact) conn.channels = conn.channels.slice();
    } else if (set?.delete(conn)) {
      const at = conn.channels.indexOf(channelId);
      if (at >= 0) conn.channels.splice(at, 1);
      if (set.size === 0) this.byChannel.delete(channelId);
    }
  }

  private beat(): void {
    for (const c of this.all) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}
