import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ChatError } from '@segmentchat/protocol';
import { receiveUpload } from './receive-upload.ts';

const MB = 1024 * 1024;

/** A body of `total` bytes made on demand, counting how many bytes were ever pulled from it. */
function lazyBody(total: number, first = Buffer.from('PNGHEADER123')) {
  const chunk = Buffer.alloc(64 * 1024);
  first.copy(chunk);
  const counter = { pulled: 0 };
  const body = new Readable({
    highWaterMark: 64 * 1024,
    read() {
      if (counter.pulled >= total) return void this.push(null);
      counter.pulled += chunk.length;
      this.push(chunk);
    },
  });
  return { body, counter };
}

describe('receiveUpload', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stops pulling a 100 MB body just past the limit, and says TOO_LARGE', async () => {
    dir = mkdtempSync(join(tmpdir(), 'receive-'));
    const { body, counter } = lazyBody(100 * MB);
    const got = receiveUpload(body, join(dir, 'part'), {
      maxBytes: 10 * MB,
      headBytes: 12,
      checkHead: () => {},
      onBytes: () => {},
    });
    await expect(got).rejects.toMatchObject({ code: 'TOO_LARGE' });
    // One chunk over the limit, plus what the stream had buffered ahead (its highWaterMark).
    expect(counter.pulled).toBeLessThanOrEqual(10 * MB + 3 * 64 * 1024);
  });

  it('refuses from the first bytes without reading the rest', async () => {
    dir = mkdtempSync(join(tmpdir(), 'receive-'));
    const { body, counter } = lazyBody(100 * MB, Buffer.from('<svg xmlns='));
    const got = receiveUpload(body, join(dir, 'part'), {
      maxBytes: 200 * MB,
      headBytes: 12,
      checkHead: (head) => {
        if (head.toString('latin1').startsWith('<svg')) throw ChatError.invalid('not an image');
      },
      onBytes: () => {},
    });
    await expect(got).rejects.toMatchObject({ code: 'INVALID' });
    expect(counter.pulled).toBeLessThanOrEqual(3 * 64 * 1024);
  });

  it('writes a body within the limit to the file, whole', async () => {
    dir = mkdtempSync(join(tmpdir(), 'receive-'));
    const { body } = lazyBody(MB);
    let counted = 0;
    const n = await receiveUpload(body, join(dir, 'part'), {
      maxBytes: 2 * MB,
      headBytes: 12,
      checkHead: () => {},
      onBytes: (b) => (counted += b),
    });
    expect(n).toBe(MB);
    expect(counted).toBe(MB);
    expect(readFileSync(join(dir, 'part')).length).toBe(MB);
  });
});
