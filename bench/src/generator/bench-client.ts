import { corkForTick } from './send-cork.ts';
import { nowUs } from '../mono-clock.ts';
import { parseMarker, scanFrame } from './delivery-marker.ts';
import { RawWebSocket } from './raw-websocket.ts';

/** What a generator learns from one client. */
export interface ClientEvents {
  /** A benchmark message reached this client (`recvUs` is when its frame arrived). */
  delivery(client: BenchClient, schedUs: number, sender: number, run: number, recvUs: number): void;
  /** The server closed the socket (or it failed) while we did not ask for it. */
  closed(client: BenchClient, code: number, reason: string): void;
}

/** A reply to a request: `{ re, ok, ... }`. */
export type Reply = Record<string, unknown> & { re: number; ok: boolean };

export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const REPLY_MARK = Buffer.from('"re":');

/**
 * One benchmark connection, over `RawWebSocket` (the generator's own lean client). Frames without
 * a reply in them (the hot path: message events) are only scanned for benchmark markers; frames
 * carrying a reply are parsed as JSON.
 * Subclasses say how requests are framed and which decoded objects are messages.
 */
export abstract class BenchClient {
  protected ws: RawWebSocket | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private closing = false;
  /** Settles `close()` once the connection is gone. */
  private closedNow: (() => void) | null = null;
  /** Replies with `ok: false`, by error code. */
  readonly errors = new Map<string, number>();
  /** Set by the generator: a slow client's deliveries are counted apart. */
  slow = false;

  constructor(
    readonly idx: number,
    protected readonly baseUrl: string,
    protected readonly events: ClientEvents,
  ) {}

  /** Opens the socket and signs in. */
  abstract connect(): Promise<void>;
  /** Subscribes to a room; returns the room's cursor (seq or rev) at that moment. */
  abstract join(room: string): Promise<number>;
  /** Open-loop send: the reply, if any, only counts errors. */
  abstract send(room: string, text: string): void;
  /** Closed-loop send: resolves on the server's ack. */
  abstract sendAcked(room: string, text: string): Promise<void>;
  /**
   * After a reconnect: fetches what was missed since each room's cursor and moves the cursors past
   * it (a later storm starts from there); returns how many.
   */
  abstract catchUp(cursors: Map<string, number>): Promise<number>;
  /**
   * A storm's client: connects and catches up as the protocol's own client would, returning how
   * many messages it fetched. A protocol whose sign-in already answers with the first page
   * (SegmentChat's hello) does it in fewer round trips.
   */
  async reconnect(cursors: Map<string, number>): Promise<number> {
    await this.connect();
    return this.catchUp(cursors);
  }
  /** Turns a request object into a wire frame. */
  protected abstract encode(request: Record<string, unknown>): string;
  /** Decodes a frame that carries a reply into its objects. */
  protected abstract decode(frame: string): unknown[];
  /** The text of a decoded object when it is a message event, else null. */
  protected abstract messageText(obj: Record<string, unknown>): string | null;

  protected open(url: string): Promise<void> {
    this.closing = false;
    this.ws = new RawWebSocket(url, {
      message: (data) => this.onFrame(data),
      close: (code, reason) => {
        for (const settle of this.pending.values()) settle({ re: -1, ok: false, error: { code: 'CLOSED' } });
        this.pending.clear();
        this.closedNow?.();
        if (!this.closing) this.events.closed(this, code, reason);
      },
    });
    return this.ws.whenOpen();
  }

  protected onFrame(data: Buffer): void {
    const recvUs = nowUs();
    // A client with no request in flight gets no reply, so its frames need no search for one:
    // that search scanned every byte of every frame, a third of the generator's own CPU.
    if (this.pending.size === 0 || data.indexOf(REPLY_MARK) === -1) {
      scanFrame(data, (sched, sender, run) => this.events.delivery(this, sched, sender, run, recvUs));
      return;
    }
    for (const item of this.decode(data.toString())) {
      if (typeof item !== 'object' || item === null) continue;
      const obj = item as Record<string, unknown>;
      if (typeof obj.re === 'number') {
        const settle = this.pending.get(obj.re);
        if (settle) {
          this.pending.delete(obj.re);
          settle(obj as Reply);
        }
        continue;
      }
      const text = this.messageText(obj);
      const marker = text === null ? null : parseMarker(text);
      if (marker) this.events.delivery(this, marker.schedUs, marker.sender, marker.run, recvUs);
    }
  }

  /** Sends a request; `onReply` gets its reply. Returns the request id. */
  protected call(request: Record<string, unknown>, onReply: (reply: Reply) => void): void {
    const id = this.nextId++;
    this.pending.set(id, onReply);
    corkForTick(this.ws?.socket ?? null);
    this.ws?.send(this.encode({ ...request, id }));
  }

  protected request(request: Record<string, unknown>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.call(request, (reply) => {
        if (reply.ok) resolve(reply);
        else {
          const error = (reply.error ?? {}) as { code?: string; message?: string };
          reject(new RequestError(error.code ?? 'ERROR', error.message ?? JSON.stringify(reply.error)));
        }
      });
    });
  }

  protected countError(reply: Reply): void {
    if (reply.ok) return;
    const error = reply.error as { code?: string } | string | undefined;
    const code = typeof error === 'string' ? error : (error?.code ?? 'ERROR');
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  pause(): void {
    this.ws?.pause();
  }

  resume(): void {
    this.ws?.resume();
  }

  close(): Promise<void> {
    const ws = this.ws;
    if (!ws || ws.isClosed) return Promise.resolve();
    this.closing = true;
    if (!ws.isOpen) {
      // Still in the handshake: no close event will come for a socket that never opened.
      ws.terminate();
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.closedNow = () => {
        this.closedNow = null;
        resolve();
      };
      ws.terminate();
    });
  }
}
