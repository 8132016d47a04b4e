import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, SessionResult } from '@segmentchat/protocol';
import {
  animatedGif,
  animatedWebp,
  jpegRotated,
  jpegWithGps,
  png,
  pngDeclaring,
  pngLookingBlob,
  svgWithScript,
  textFile,
  truncatedJpeg,
  webp,
} from './image-fixtures.ts';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';
import { fetchFile, filesUnder, streamUpload, upload } from './upload-client.ts';

const MB = 1024 * 1024;

describe('image uploads', () => {
  let srv: TestServer;
  let ada: SessionResult;
  let bob: SessionResult;
  let eve: SessionResult;
  let visitor: SessionResult;
  let adaWs: TestClient;
  let general: Channel;
  let secret: Channel;
  let uploadsDir: string;

  beforeAll(async () => {
    // Many uploads from one user here; the rate limit has its own test below.
    srv = await startTestServer({ limits: { uploads: { burst: 1000, perSecond: 100 } } });
    uploadsDir = join(srv.dataDir, 'uploads');
    [ada, bob, eve] = await Promise.all([
      register(srv.url, 'ada'),
      register(srv.url, 'bob'),
      register(srv.url, 'eve'),
    ]);
    visitor = (await api<SessionResult>(srv.url, '/api/auth/visitor', {})).body;
    adaWs = await TestClient.connect(srv.url, ada.token);
    general = adaWs.hello!.channels.find((c) => c.name === 'general')!;
    ({ channel: secret } = await adaWs.request('channel.create', {
      name: 'secret-photos',
      description: '',
      visibility: 'private',
    }));
    await adaWs.request('channel.invite', { channelId: secret.id, username: bob.user.username });
  });
  afterAll(async () => {
    await adaWs?.close();
    await srv?.stop();
  });

  describe('accepts real images, re-encoded and stored by content hash', () => {
    it('a PNG', async () => {
      const r = await upload(srv.url, ada.token, general.id, await png(), {
        filename: 'shot.png',
        type: 'image/png',
      });
      expect(r.status).toBe(201);
      const a = r.body.attachment!;
      expect(a).toMatchObject({ mime: 'image/png', width: 300, height: 200 });
      const stored = join(uploadsDir, a.id.slice(0, 2), `${a.id}.png`);
      const bytes = readFileSync(stored);
      expect(bytes.length).toBe(a.bytes);
      const { createHash } = await import('node:crypto');
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(a.id);
    });

    it('a JPEG with GPS in its EXIF, served without any EXIF', async () => {
      const original = await jpegWithGps();
      expect((await sharp(original).metadata()).exif?.toString('latin1')).toContain('TestCam');
      const r = await upload(srv.url, ada.token, general.id, original, { filename: 'holiday.jpg' });
      expect(r.status).toBe(201);
      expect(r.body.attachment).toMatchObject({ mime: 'image/jpeg', width: 400, height: 300 });
      const f = await fetchFile(srv.url, r.body.attachment!.id, ada.token);
      expect(f.status).toBe(200);
      const meta = await sharp(f.bytes).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(f.bytes.includes(Buffer.from('TestCam'))).toBe(false);
    });

    it('an animated GIF, still animated', async () => {
      const r = await upload(srv.url, ada.token, general.id, await animatedGif(), { filename: 'wave.gif' });
      expect(r.status).toBe(201);
      // The size of one frame, not of the three stacked.
      expect(r.body.attachment).toMatchObject({ mime: 'image/gif', width: 32, height: 24 });
      const f = await fetchFile(srv.url, r.body.attachment!.id, ada.token);
      const meta = await sharp(f.bytes, { animated: true }).metadata();
      expect(meta.pages).toBe(3);
      expect(meta.loop).toBe(0);
    });

    it('an animated WebP, still animated', async () => {
      const r = await upload(srv.url, ada.token, general.id, await animatedWebp());
      expect(r.body.attachment).toMatchObject({ mime: 'image/webp', width: 32, height: 24 });
      const f = await fetchFile(srv.url, r.body.attachment!.id, ada.token);
      expect((await sharp(f.bytes, { animated: true }).metadata()).pages).toBe(3);
    });

    it('a JPEG turned by its EXIF orientation, stored upright', async () => {
      const r = await upload(srv.url, ada.token, general.id, await jpegRotated());
      expect(r.body.attachment).toMatchObject({ mime: 'image/jpeg', width: 300, height: 400 });
      const f = await fetchFile(srv.url, r.body.attachment!.id, ada.token);
      const meta = await sharp(f.bytes).metadata();
      expect([meta.width, meta.height, meta.orientation]).toEqual([300, 400, undefined]);
    });

    it('a WebP', async () => {
      const r = await upload(srv.url, ada.token, general.id, await webp(), {
        filename: 'pic.webp',
        type: 'image/webp',
      });
      expect(r.status).toBe(201);
      expect(r.body.attachment).toMatchObject({ mime: 'image/webp', width: 320, height: 240 });
    });

    it('makes an inline-sized copy of a large image, served with ?thumb', async () => {
      const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#2b1d5c' } })
        .png()
        .toBuffer();
      const r = await upload(srv.url, ada.token, secret.id, big);
      expect(r.body.attachment).toMatchObject({ width: 2000, height: 1000 });
      const id = r.body.attachment!.id;
      const thumb = await fetchFile(srv.url, `${id}?thumb`, bob.token);
      expect(thumb.headers.get('content-type')).toBe('image/png');
      expect(thumb.headers.get('x-content-type-options')).toBe('nosniff');
      const meta = await sharp(thumb.bytes).metadata();
      expect([meta.width, meta.height]).toEqual([720, 360]);
      // Same access rule as the original.
      expect((await fetchFile(srv.url, `${id}?thumb`, eve.token)).status).toBe(404);
      // A small image is its own thumbnail.
      const small = (await upload(srv.url, ada.token, general.id, await png())).body.attachment!;
      const same = await fetchFile(srv.url, `${small.id}?thumb`, ada.token);
      expect(same.bytes.length).toBe(small.bytes);
    });

    it('serves files with their type, nosniff, a sandboxing CSP and immutable private caching', async () => {
      const r = await upload(srv.url, ada.token, general.id, await png());
      const f = await fetchFile(srv.url, r.body.attachment!.id, ada.token);
      expect(f.status).toBe(200);
      expect(f.headers.get('content-type')).toBe('image/png');
      expect(f.headers.get('x-content-type-options')).toBe('nosniff');
      expect(f.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(f.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      expect(f.bytes.length).toBe(r.body.attachment!.bytes);
    });
  });

  describe('refuses, with a clear error, and leaves nothing on disk', () => {
    const cases: [string, () => Promise<Buffer> | Buffer, string, number, string][] = [
      ['a text file named .png', textFile, 'notes.png', 415, 'UNSUPPORTED_MEDIA'],
      ['an SVG with a script', svgWithScript, 'logo.png', 415, 'UNSUPPORTED_MEDIA'],
      [
        'a PNG declaring 50,000 x 50,000 pixels',
        () => pngDeclaring(50_000, 50_000),
        'huge.png',
        413,
        'TOO_LARGE',
      ],
      ['a truncated JPEG', truncatedJpeg, 'cut.jpg', 400, 'INVALID'],
      ['an 11 MB file', () => pngLookingBlob(11 * MB), 'big.png', 413, 'TOO_LARGE'],
      ['a filename with ../', png, '../../etc/passwd.png', 400, 'INVALID'],
      ['a filename with a backslash', png, '..\\win.png', 400, 'INVALID'],
    ];
    it.each(cases)('%s', async (_what, make, filename, status, code) => {
      const before = filesUnder(uploadsDir);
      const r = await upload(srv.url, ada.token, general.id, await make(), { filename, type: 'image/png' });
      expect({ status: r.status, code: r.body.error?.code }).toEqual({ status, code });
      expect(r.body.error?.message).toMatch(/\w{4}/);
      expect(filesUnder(uploadsDir)).toEqual(before);
    });

    it('a body that is not labelled as an image or octets', async () => {
      const r = await upload(srv.url, ada.token, general.id, await png(), { type: 'text/html' });
      expect(r).toMatchObject({ status: 415, body: { error: { code: 'UNSUPPORTED_MEDIA' } } });
    });
  });

  it('an upload cut off halfway leaves nothing on disk', async () => {
    const before = filesUnder(uploadsDir);
    const req = request(`${srv.url}/api/uploads?channelId=${general.id}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ada.token}`,
        'content-type': 'image/png',
        'content-length': 5 * MB,
      },
    });
    req.on('error', () => {});
    req.write(pngLookingBlob(MB));
    // The server has the temp file open and growing; now the client goes away.
    await until(() => filesUnder(join(uploadsDir, 'tmp')).length === 1);
    req.destroy();
    await until(() => filesUnder(uploadsDir).join() === before.join());
  });

  describe('who may upload and who may see', () => {
    it('visitors cannot upload (FORBIDDEN), nor can anyone without a session', async () => {
      expect((await upload(srv.url, visitor.token, general.id, await png())).body.error?.code).toBe(
        'FORBIDDEN',
      );
      expect((await upload(srv.url, undefined, general.id, await png())).status).toBe(401);
    });

    it('a stranger gets NOT_FOUND for a private channel, exactly like a missing one', async () => {
      const a = await upload(srv.url, eve.token, secret.id, await png());
      const b = await upload(srv.url, eve.token, 'no-such-channel', await png());
      expect(a).toEqual({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'No such channel' } } });
      expect(b).toEqual(a);
    });

    it("a private channel's file is served to its members only; others get the unknown-id 404", async () => {
      const r = await upload(srv.url, ada.token, secret.id, await png());
      expect(r.status).toBe(201);
      const id = r.body.attachment!.id;
      expect((await fetchFile(srv.url, id, ada.token)).status).toBe(200);
      expect((await fetchFile(srv.url, id, bob.token)).status).toBe(200);
      const stranger = await fetchFile(srv.url, id, eve.token);
      const asVisitor = await fetchFile(srv.url, id, visitor.token);
      const anonymous = await fetchFile(srv.url, id);
      const unknown = await fetchFile(srv.url, 'f'.repeat(64), ada.token);
      for (const other of [stranger, asVisitor, anonymous]) {
        expect(other.status).toBe(404);
        expect(other.bytes.toString()).toBe(unknown.bytes.toString());
      }
      expect(unknown.status).toBe(404);
    });

    it("visitors can see a public channel's images", async () => {
      const r = await upload(srv.url, ada.token, general.id, await webp());
      expect((await fetchFile(srv.url, r.body.attachment!.id, visitor.token)).status).toBe(200);
    });
  });

  describe('message.send with attachments', () => {
    it("carries the author's own uploads into that channel, and nothing else", async () => {
      const mine = (await upload(srv.url, ada.token, general.id, await png())).body.attachment!;
      const inSecret = (await upload(srv.url, ada.token, secret.id, await png())).body.attachment!;
      const bobs = (await upload(srv.url, bob.token, general.id, await png())).body.attachment!;
      const m = await adaWs.request('message.send', {
        channelId: general.id,
        clientMsgId: crypto.randomUUID(),
        text: 'look',
        attachments: [mine.id],
      });
      expect(m.message.attachments).toEqual([mine]);
      for (const ids of [[bobs.id], [inSecret.id], ['0'.repeat(64)], [mine.id, mine.id]]) {
        const send = adaWs.request('message.send', {
          channelId: general.id,
          clientMsgId: crypto.randomUUID(),
          text: '',
          attachments: ids,
        });
        await expect(send).rejects.toMatchObject({ code: 'INVALID' });
      }
    });
  });

  describe('a 100 MB upload attempt', () => {
    it('is refused once past the limit, while streaming, with memory flat', async () => {
      // Warm the path up (routes, sharp) so that the measurement sees the upload alone.
      await streamUpload(srv.url, ada.token, general.id, 64 * 1024);
      const resetWorked = resetPeakRss();
      const before = process.memoryUsage().rss;
      let sampledPeak = before;
      const sampler = setInterval(() => (sampledPeak = Math.max(sampledPeak, process.memoryUsage().rss)), 5);
      const filesBefore = filesUnder(uploadsDir);
      const r = await streamUpload(srv.url, ada.token, general.id, 100 * MB);
      clearInterval(sampler);
      const peak = resetWorked ? Math.max(peakRss(), sampledPeak) : sampledPeak;
      expect(r.status).toBe(413);
      expect(JSON.parse(r.body)).toMatchObject({ error: { code: 'TOO_LARGE' } });
      // The client got its answer long before sending everything: the server stopped reading
      // just past 10 MB (the rest is socket buffers between the two).
      expect(r.written).toBeLessThan(40 * MB);
      // Buffering the body would add 100 MB; streaming it to disk adds about a socket chunk.
      const growth = peak - before;
      console.log(
        `100 MB upload attempt: refused after ${(r.written / MB).toFixed(1)} MB sent; RSS before ` +
          `${(before / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${(growth / MB).toFixed(1)} MB, ` +
          `${resetWorked ? 'VmHWM' : 'sampled'})`,
      );
      expect(growth).toBeLessThan(50 * MB);
      expect(filesUnder(uploadsDir)).toEqual(filesBefore);
    });
  });
});

describe('upload rate limit', () => {
  it('refuses uploads past the per-user rate with RATE_LIMITED and Retry-After', async () => {
    const srv = await startTestServer({ limits: { uploads: { burst: 2, perSecond: 0.001 } } });
    try {
      const ada = await register(srv.url, 'ada');
      const ws = await TestClient.connect(srv.url, ada.token);
      const general = ws.hello!.channels.find((c) => c.name === 'general')!;
      await ws.close();
      for (let i = 0; i < 2; i++)
        expect((await upload(srv.url, ada.token, general.id, await png())).status).toBe(201);
      const r = await upload(srv.url, ada.token, general.id, await png());
      expect(r).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
      expect(r.body.error?.retryAfterMs).toBeGreaterThan(0);
    } finally {
      await srv.stop();
    }
  });
});

describe('leftovers of a crash', () => {
  it("are removed at start when stale; a recent temp file (another node's upload) stays", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-uploads-'));
    const tmp = join(dataDir, 'uploads', 'tmp');
    mkdirSync(tmp, { recursive: true });
    writeFileSync(join(tmp, 'old.part'), 'half an upload');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(join(tmp, 'old.part'), twoHoursAgo, twoHoursAgo);
    writeFileSync(join(tmp, 'new.part'), 'in flight');
    const srv = await startTestServer({ dataDir });
    try {
      expect(filesUnder(tmp)).toEqual(['new.part']);
    } finally {
      await srv.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/** Waits until `check` holds, re-checking every 20 ms (bounded by the test timeout). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

/** Resets the kernel's peak-RSS mark (VmHWM) of this process; false where that is not allowed. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}
