import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { CloseCode } from '@segmentchat/protocol';
import type { ErrorBody, ServerEvent } from '@segmentchat/protocol';
import type { Principal } from './account-service.ts';
import { newId } from './new-id.ts';
import { PreparedReply } from './prepared-reply.ts';
import { textFrameHeader } from './text-frame.ts';
import type { RateSpec } from './config.ts';

/** One client WebSocket: who it is, what it listens to, how fast it may talk. */
export class Connection {
  readonly id = newId();
  principal: Principal | null = null;
  /**
   * Channels whose events this connection receives, each id the gateway's one copy of it. An
   * array: a Set of one or a few ids costs ~160 bytes more on every idle connection.
   */
  channels: string[] = [];
  /** Set while `hello` runs; later frames wait for it. */
  hello: Promise<boolean> | null = null;
  /** Answered the last heartbeat ping (or is new). */
  alive = true;
  /** Rejected requests in a row; too many and the connection is closed. */
  strikes = 0;
  /** The upgraded TCP socket under `ws`, for frames built once for many connections. */
  socket: Duplex | null = null;
  /**
   * The request token bucket, inline: a `RateLimiter` (an object, a Map and a bucket) per socket
   * cost several hundred bytes on every idle connection, and the idle-memory goal is 6 KB each.
   */
  private tokens: number;
  private tokensAt = Date.now();

  constructor(
    readonly ws: WebSocket,
    /** Token from the session cookie sent with the upgrade, for browsers. */
    readonly cookieToken: string | undefined,
    readonly ip: string,
    private readonly requests: RateSpec,
    private readonly maxBufferedBytes: number,
  ) {
    this.tokens = requests.burst;
  }

  get userId(): string | undefined {
    return this.principal?.user.id;
  }

  /** 0 when the request may go ahead, else milliseconds to wait. */
  takeToken(): number {
    const now = Date.now();
    const { burst, perSecond } = this.requests;
    this.tokens = Math.min(burst, this.tokens + ((now - this.tokensAt) / 1000) * perSecond);
    this.tokensAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / perSecond) * 1000);
  }

  reply(re: number, result: object): void {
    if (result instanceof PreparedReply) this.sendParts(result.parts(re));
    else this.sendText(JSON.stringify({ re, ok: true, ...result }));
  }

  fail(re: number | null, error: ErrorBody): void {
    this.sendText(JSON.stringify({ re, ok: false, error }));
  }

  event(event: ServerEvent): void {
    this.sendText(JSON.stringify(event));
  }

  /** Sends bytes serialized once for many connections. */
  sendBytes(bytes: Buffer): void {
    if (this.mayWrite()) this.ws.send(bytes, { binary: false });
  }

  /**
   * Writes a complete, unmasked WebSocket text frame built once for many connections (see
   * `text-frame.ts`) straight to the socket, skipping `ws`'s per-send framing. Safe because
   * per-message deflate is off, so `ws` writes its own frames to the socket synchronously too and
   * the two never interleave inside a frame.
   */
  sendFrame(frame: Buffer, payload: Buffer): void {
    if (!this.socket) return this.sendBytes(payload);
    if (this.mayWrite()) this.socket.write(frame);
  }

  /**
   * Sends one text message given in parts, e.g. a sync page shared by every client catching up,
   * as a frame header and then the parts, in one `writev`: no part is copied into a buffer of its
   * own for each client. Safe for the reason `sendFrame` is.
   */
  sendParts(parts: Buffer[]): void {
    if (parts.length === 1) return this.sendBytes(parts[0]!);
    if (!this.socket) return this.sendBytes(Buffer.concat(parts));
    if (!this.mayWrite()) return;
    const socket = this.socket;
    socket.cork();
    socket.write(textFrameHeader(parts.reduce((n, p) => n + p.length, 0)));
    for (const part of parts) socket.write(part);
    socket.uncork();
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.close(code, reason);
  }

  /** Open, and not too far behind: a send may go ahead. */
  private mayWrite(): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    // A client that cannot keep up would make the server buffer without bound; it is closed and
    // will catch up with `sync` when it reconnects.
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(CloseCode.POLICY, 'Too slow to keep up');
      return false;
    }
    return true;
  }

  private sendText(text: string): void {
    this.sendBytes(Buffer.from(text));
  }
}
