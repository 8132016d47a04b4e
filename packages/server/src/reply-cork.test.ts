import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { corkUntilTick } from './reply-cork.ts';

/** A socket stand-in that records each write it gets from the stream machinery. */
function recordingSocket(): { socket: Duplex; writes: string[][] } {
  const writes: string[][] = [];
  const socket = new Duplex({
    read() {},
    writev(chunks, done) {
      writes.push(chunks.map((c) => String(c.chunk)));
      done();
    },
    write(chunk, _encoding, done) {
      writes.push([String(chunk)]);
      done();
    },
  });
  return { socket, writes };
}

describe('corkUntilTick', () => {
  it('sends what promise callbacks of this turn wrote in one write, after they all ran', async () => {
    const { socket, writes } = recordingSocket();
    const acks = Array.from({ length: 3 }, (_, i) =>
      Promise.resolve().then(() => {
        corkUntilTick(socket);
        socket.write(`ack${i}`);
      }),
    );
    await Promise.all(acks);
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([['ack0', 'ack1', 'ack2']]);
    // The next turn starts uncorked.
    socket.write('later');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes.at(-1)).toEqual(['later']);
  });

  it('ignores a connection without a raw socket', () => {
    expect(() => corkUntilTick(null)).not.toThrow();
  });
});
