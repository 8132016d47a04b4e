/**
 * The load generator's WebSocket client: the RFC 6455 client side written against `net` directly,
 * so that receiving a frame costs the generator as little as Node allows.
 *
 * Why not `ws`: with `ws`, each frame went through a Readable stream, `ws`'s Receiver (a Writable)
 * and its own Buffer, and the generator saturated its core at about 100,000 deliveries/s,
 * before the servers it measures; its queueing then showed up in every target's latency. Here
 * all sockets of a process read into one shared buffer (`net`'s `onread`, no stream and no
 * allocation per read), frames are found in place, and a frame's bytes are handed on as a view
 * that is only valid during the callback. Frames a server fragments, compresses or sends
 * unmasked-wrongly are errors: none of the measured servers sends them.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const HEADER_END = Buffer.from('\r\n\r\n');

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;

/** One read buffer for every socket of the process: reads are handled synchronously, one at a time. */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

export interface RawWebSocketHandlers {
  /** A text or binary frame; `data` is a view that is only valid during the call. */
  message(data: Buffer): void;
  /** The connection is gone; `code` is the server's close code, or 1006 when it sent none. */
  close(code: number, reason: string): void;
}

export class RawWebSocket {
  readonly socket: Socket;
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  /** Bytes of a frame (or of the handshake) that did not fit in the reads so far. */
  private partial: Buffer | null = null;
  private closeCode = 1006;
  private closeReason = '';
  private readonly expectedAccept: string;
  private readonly opened: Promise<void>;
  private settleOpen: { resolve: () => void; reject: (err: Error) => void } | null = null;
  private readonly handlers: RawWebSocketHandlers;

  constructor(url: string, handlers: RawWebSocketHandlers) {
    this.handlers = handlers;
    const target = new URL(url);
    const key = randomBytes(16).toString('base64');
    this.expectedAccept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    this.opened = new Promise((resolve, reject) => (this.settleOpen = { resolve, reject }));
    this.socket = connect({
      host: target.hostname,
      port: Number(target.port || 80),
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n) => this.onRead(n) },
    });
    this.socket.on('connect', () => {
      this.socket.write(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
          `Host: ${target.host}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    this.socket.on('error', (err) => this.failOpen(err));
    this.socket.on('close', () => {
      const wasOpen = this.state === 'open';
      this.state = 'closed';
      this.failOpen(new Error('connection closed during the WebSocket handshake'));
      if (wasOpen) this.handlers.close(this.closeCode, this.closeReason);
    });
  }

  /** Resolves once the server has accepted the upgrade. */
  whenOpen(): Promise<void> {
    return this.opened;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  send(text: string): void {
    if (this.state !== 'open') return;
    this.socket.write(maskedFrame(OP_TEXT, Buffer.from(text)));
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  /** Drops the connection at once, without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private failOpen(err: Error): void {
    this.settleOpen?.reject(err);
    this.settleOpen = null;
  }

  /** `net` calls this with each read's byte count; returning true keeps reading. */
  private onRead(n: number): true {
    let data = READ_BUFFER.subarray(0, n);
    if (this.partial) {
      data = Buffer.concat([this.partial, data]);
      this.partial = null;
    }
    let at = 0;
    if (this.state === 'connecting') {
      at = this.readHandshake(data);
      if (at < 0) return true;
    }
    at = this.readFrames(data, at);
    // What is left is the start of a frame: keep a copy, the shared buffer is reused next read.
    if (at < data.length && this.state !== 'closed') this.partial = Buffer.from(data.subarray(at));
    return true;
  }

  /** Returns where the frames start, or -1 when the handshake is incomplete or refused. */
  private readHandshake(data: Buffer): number {
    const end = data.indexOf(HEADER_END);
    if (end === -1) {
      this.partial = Buffer.from(data);
      return -1;
    }
    const head = data.toString('latin1', 0, end);
    const [status = ''] = head.split('\r\n', 1);
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    if (!/^HTTP\/1\.1 101 /.test(status) || accept !== this.expectedAccept) {
      this.failOpen(new Error(`WebSocket upgrade refused: ${status || 'no status line'}`));
      this.socket.destroy();
      return -1;
    }
    this.state = 'open';
    this.settleOpen?.resolve();
    this.settleOpen = null;
    return end + HEADER_END.length;
  }

  /** Handles every whole frame from `at` on; returns where the first incomplete one starts. */
  private readFrames(data: Buffer, at: number): number {
    while (this.state === 'open' && data.length - at >= 2) {
      const b0 = data[at]!;
      const b1 = data[at + 1]!;
      let len = b1 & 0x7f;
      let start = at + 2;
      if (len === 126) {
        if (data.length - at < 4) break;
        len = data.readUInt16BE(at + 2);
        start = at + 4;
      } else if (len === 127) {
        if (data.length - at < 10) break;
        len = Number(data.readBigUInt64BE(at + 2));
        start = at + 10;
      }
      const end = start + len;
      if (end > data.length) break;
      if ((b1 & 0x80) !== 0 || (b0 & 0x70) !== 0 || (b0 & 0x80) === 0) {
        this.protocolError('masked, compressed or fragmented frame from the server');
        break;
      }
      this.onFrame(b0 & 0x0f, data, start, end);
      at = end;
    }
    return at;
  }

  private onFrame(opcode: number, data: Buffer, start: number, end: number): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        this.handlers.message(data.subarray(start, end));
        return;
      case OP_PING:
        this.socket.write(maskedFrame(OP_PONG, data.subarray(start, end)));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.closeCode = end - start >= 2 ? data.readUInt16BE(start) : 1005;
        this.closeReason = end - start > 2 ? data.toString('utf8', start + 2, end) : '';
        this.socket.end(maskedFrame(OP_CLOSE, data.subarray(start, Math.min(end, start + 2))));
        this.state = 'closed';
        this.handlers.close(this.closeCode, this.closeReason);
        return;
      case OP_CONTINUATION:
      default:
        this.protocolError(`unexpected opcode ${opcode}`);
    }
  }

  private protocolError(why: string): void {
    this.closeCode = 1002;
    this.closeReason = why;
    this.socket.destroy();
  }
}

/** A client frame: FIN set, masked with a fresh key as RFC 6455 requires of clients. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? 2 : len < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + 4 + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) frame[1] = 0x80 | len;
  else if (len < 0x10000) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  const key = head;
  frame.writeUInt32BE((Math.random() * 0x100000000) >>> 0, key);
  const body = key + 4;
  for (let i = 0; i < len; i += 1) frame[body + i] = payload[i]! ^ frame[key + (i & 3)]!;
  return frame;
}
