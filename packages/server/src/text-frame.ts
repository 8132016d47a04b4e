/**
 * The header of one unmasked, unfragmented WebSocket text frame (RFC 6455 section 5.2) whose
 * payload is `length` bytes long: what a server sends before the payload.
 */
export function textFrameHeader(length: number): Buffer {
  return writeHeader(Buffer.allocUnsafe(headerLength(length)), length);
}

/**
 * One whole text frame around `payload`. Built once per fan-out batch, the same buffer goes to
 * every member's socket, so framing costs nothing per delivery.
 */
export function textFrame(payload: Buffer): Buffer {
  const header = headerLength(payload.length);
  const frame = writeHeader(Buffer.allocUnsafe(header + payload.length), payload.length);
  payload.copy(frame, header);
  return frame;
}

function headerLength(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

function writeHeader(frame: Buffer, n: number): Buffer {
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (n < 126) {
    frame[1] = n;
  } else if (n < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  return frame;
}
