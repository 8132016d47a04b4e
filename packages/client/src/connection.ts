import {
  ChatError,
  CloseCode,
  ErrorCode,
  PROTOCOL_VERSION,
  RETRYABLE_CODES,
  events as eventSchemas,
  requests as requestSchemas,
} from '@segmentchat/protocol';
import type {
  ErrorBody,
  EventType,
  RequestParams,
  RequestResult,
  RequestType,
  ServerEvent,
} from '@segmentchat/protocol';
import type { ReconnectPolicy } from './reconnect-policy.ts';
import { TypedEmitter } from './typed-emitter.ts';
import type { WebSocketInstance, WebSocketLike } from './web-socket-like.ts';
import { WS_OPEN } from './web-socket-like.ts';

export type HelloResult = RequestResult<'hello'>;

/** `idle` before start; `connecting` until hello succeeds; `ready`; `waiting` to retry; `closed` for good. */
export type ConnectionPhase = 'idle' | 'connecting' | 'ready' | 'waiting' | 'closed';

export type ConnectionEvents = {
  phase: (phase: ConnectionPhase) => void;
  /** Hello succeeded on a new socket. `resumed` is false for the very first one. */
  ready: (hello: HelloResult, resumed: boolean) => void;
  event: (event: ServerEvent) => void;
  /** The socket went away; requests in flight were rejected with a retryable error. */
  down: (code: number, reason: string) => void;
  /** The connection gave up for good (bad session, wrong protocol, policy said stop). */
  fatal: (error: ChatError) => void;
};

export interface ConnectionOptions {
  url: string;
  WebSocket: WebSocketLike;
  token?: string | undefined;
  reconnect: ReconnectPolicy;
  /** A reply slower than this rejects with UNAVAILABLE. 15 s covers a busy server's grouped commit. */
  requestTimeoutMs?: number;
  /** Ping after this long without any frame; a missed pong means a dead link. */
  heartbeatMs?: number;
  /** Validate events and replies against the protocol schemas (on by default). */
  validate?: boolean;
  /** What to resume from, asked at each hello (the presence and sync cursors). */
  resumeFrom?: () => Pick<RequestParams<'hello'>, 'presenceCursor' | 'sync'>;
}

interface InFlight {
  type: RequestType;
  resolve: (value: unknown) => void;
  reject: (error: ChatError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const lost = () => new ChatError(ErrorCode.UNAVAILABLE, 'Connection lost');

/**
 * One logical connection to the server over successive sockets: opens the socket, says hello,
 * matches replies to requests (with a timeout each), turns each incoming text frame (one JSON
 * object, or an array of them batched by the server per tick) into typed events, detects dead
 * links with a heartbeat, and reconnects by its policy until told to stop or the session is gone.
 */
export class Connection extends TypedEmitter<ConnectionEvents> {
  private phaseValue: ConnectionPhase = 'idle';
  private socket: WebSocketInstance | null = null;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private attempt = 0;
  private hadReady = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private pinging = false;
  private readyWaiters: (() => void)[] = [];
  private token: string | undefined;
  private readonly requestTimeoutMs: number;
  private readonly heartbeatMs: number;
  private readonly validate: boolean;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.token = options.token;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.validate = options.validate ?? true;
  }

  get phase(): ConnectionPhase {
    return this.phaseValue;
  }

  start(): void {
    if (this.phaseValue !== 'idle') return;
    this.open();
  }

  /** Skips the backoff wait (e.g. the browser says the network is back). */
  reconnectNow(): void {
    if (this.phaseValue !== 'waiting') return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.attempt = 0;
    this.open();
  }

  /** Drops the current socket as if the network cut it; the connection reconnects by policy. */
  dropSocket(reason = 'dropped'): void {
    if (this.socket) this.handleDown(1006, reason);
  }

  close(): void {
    if (this.phaseValue === 'closed') return;
    this.setPhase('closed');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const socket = this.socket;
    this.detach();
    try {
      socket?.close(1000, 'client closed');
    } catch {
      // already closing
    }
    this.rejectAll(new ChatError(ErrorCode.UNAVAILABLE, 'Client closed'));
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  /**
   * Sends a request once the connection is ready (waiting for it if needed, within the
   * timeout) and resolves with the validated result, or rejects with a ChatError.
   */
  async request<T extends RequestType>(
    type: T,
    params: RequestParams<T>,
    options: { timeoutMs?: number } = {},
  ): Promise<RequestResult<T>> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    while (this.phaseValue !== 'ready') {
      if (this.phaseValue === 'closed') throw new ChatError(ErrorCode.UNAVAILABLE, 'Client closed');
      if (!(await this.waitReady(deadline - Date.now())))
        throw new ChatError(ErrorCode.UNAVAILABLE, 'Not connected');
    }
    return this.send(type, params, deadline - Date.now());
  }

  private waitReady(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((w) => w !== wake);
        resolve(false);
      }, ms);
      this.readyWaiters.push(wake);
    });
  }

  private send<T extends RequestType>(
    type: T,
    params: RequestParams<T>,
    timeoutMs: number,
  ): Promise<RequestResult<T>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WS_OPEN) return Promise.reject(lost());
    const id = this.nextId++;
    return new Promise<RequestResult<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.inFlight.delete(id);
        reject(new ChatError(ErrorCode.UNAVAILABLE, `No reply to ${type} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.inFlight.set(id, { type, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        socket.send(JSON.stringify({ ...params, id, type }));
      } catch {
        clearTimeout(timer);
        this.inFlight.delete(id);
        reject(lost());
      }
    });
  }

  private setPhase(phase: ConnectionPhase): void {
    if (this.phaseValue === phase) return;
    this.phaseValue = phase;
    this.emit('phase', phase);
  }

  private open(): void {
    this.setPhase('connecting');
    let socket: WebSocketInstance;
    try {
      socket = new this.options.WebSocket(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => this.sayHello(socket);
    socket.onmessage = (event: { data: unknown }) => this.onFrame(event.data);
    socket.onclose = (event: { code: number; reason: string }) => {
      if (this.socket === socket) this.handleDown(event.code, event.reason);
    };
    // Errors are always followed by a close event, which does the work.
    socket.onerror = () => undefined;
  }

  private sayHello(socket: WebSocketInstance): void {
    if (this.socket !== socket) return;
    this.lastFrameAt = Date.now();
    const params: RequestParams<'hello'> = { ...this.options.resumeFrom?.(), protocol: PROTOCOL_VERSION };
    if (this.token !== undefined) params.token = this.token;
    this.send('hello', params, this.requestTimeoutMs).then(
      (hello) => {
        if (this.socket !== socket) return;
        const resumed = this.hadReady;
        this.hadReady = true;
        this.attempt = 0;
        this.startHeartbeat();
        this.setPhase('ready');
        for (const wake of this.readyWaiters.splice(0)) wake();
        this.emit('ready', hello, resumed);
      },
      (error: ChatError) => {
        if (this.socket !== socket) return;
        if (RETRYABLE_CODES.has(error.code)) this.handleDown(1013, error.message, error.retryAfterMs);
        else this.fail(error);
      },
    );
  }

  private onFrame(data: unknown): void {
    this.lastFrameAt = Date.now();
    const text = typeof data === 'string' ? data : String(data);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return; // not ours to crash on; the server never sends this
    }
    if (Array.isArray(value)) for (const item of value) this.onObject(item);
    else this.onObject(value);
  }

  private onObject(value: unknown): void {
    if (typeof value !== 'object' || value === null) return;
    const frame = value as Record<string, unknown>;
    if (typeof frame.re === 'number') this.onReply(frame.re, frame);
    else if (typeof frame.type === 'string') this.onEvent(frame.type, frame);
  }

  private onReply(re: number, frame: Record<string, unknown>): void {
    const pending = this.inFlight.get(re);
    if (!pending) return; // timed out already
    this.inFlight.delete(re);
    clearTimeout(pending.timer);
    const { re: _re, ok, error, ...result } = frame;
    if (ok !== true) {
      const body = error as ErrorBody | undefined;
      pending.reject(
        body && typeof body.code === 'string'
          ? ChatError.fromBody(body)
          : new ChatError(ErrorCode.INTERNAL, 'Malformed error reply'),
      );
      return;
    }
    if (!this.validate) {
      pending.resolve(result);
      return;
    }
    const parsed = requestSchemas[pending.type].result.safeParse(result);
    if (parsed.success) pending.resolve(parsed.data);
    else
      pending.reject(
        new ChatError(ErrorCode.INTERNAL, `Reply to ${pending.type} does not match the protocol`),
      );
  }

  private onEvent(type: string, frame: Record<string, unknown>): void {
    if (!Object.hasOwn(eventSchemas, type)) return; // a newer server's event: ignore
    const { type: _t, ...payload } = frame;
    if (!this.validate) {
      this.emit('event', frame as ServerEvent);
      return;
    }
    const parsed = eventSchemas[type as EventType].safeParse(payload);
    if (parsed.success) this.emit('event', { type, ...parsed.data } as ServerEvent);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(
      () => {
        if (this.phaseValue !== 'ready' || this.pinging) return;
        if (Date.now() - this.lastFrameAt < this.heartbeatMs) return;
        this.pinging = true;
        const socket = this.socket;
        this.send('ping', {}, this.heartbeatMs / 2).then(
          () => {
            this.pinging = false;
          },
          () => {
            this.pinging = false;
            if (this.socket === socket) this.handleDown(1006, 'heartbeat missed');
          },
        );
      },
      Math.max(50, this.heartbeatMs / 4),
    );
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.pinging = false;
  }

  /** Forgets the socket (closing it if still open) so its late events cannot touch us. */
  private detach(): WebSocketInstance | null {
    const socket = this.socket;
    this.socket = null;
    this.stopHeartbeat();
    if (socket) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = () => undefined;
    }
    return socket;
  }

  private rejectAll(error: ChatError): void {
    for (const [id, pending] of this.inFlight) {
      clearTimeout(pending.timer);
      this.inFlight.delete(id);
      pending.reject(error);
    }
  }

  private handleDown(code: number, reason: string, retryAfterMs?: number): void {
    const socket = this.detach();
    try {
      if (socket && socket.readyState <= WS_OPEN) socket.close(1000, 'reconnecting');
    } catch {
      // ignore: we are leaving this socket anyway
    }
    this.rejectAll(lost());
    if (this.phaseValue === 'closed') return;
    this.emit('down', code, reason);
    if (code === CloseCode.UNAUTHENTICATED) {
      this.fail(new ChatError(ErrorCode.UNAUTHENTICATED, reason || 'Session ended'));
    } else if (code === CloseCode.PROTOCOL_VERSION) {
      this.fail(new ChatError(ErrorCode.PROTOCOL_MISMATCH, reason || 'Protocol version mismatch; reload'));
    } else {
      this.scheduleRetry(retryAfterMs);
    }
  }

  private scheduleRetry(minDelayMs = 0): void {
    const delay = this.options.reconnect.delayMs(this.attempt++);
    if (delay === null) {
      this.fail(new ChatError(ErrorCode.UNAVAILABLE, 'Gave up reconnecting'));
      return;
    }
    this.setPhase('waiting');
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        if (this.phaseValue === 'waiting') this.open();
      },
      Math.max(delay, minDelayMs),
    );
  }

  private fail(error: ChatError): void {
    const socket = this.detach();
    try {
      socket?.close(1000, 'giving up');
    } catch {
      // ignore
    }
    this.rejectAll(error);
    this.setPhase('closed');
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const wake of this.readyWaiters.splice(0)) wake();
    this.emit('fatal', error);
  }
}
