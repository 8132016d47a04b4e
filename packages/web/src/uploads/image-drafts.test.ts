import { describe, expect, it } from 'vitest';
import { ChatError } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';
import { ImageDrafts } from './image-drafts.ts';
import type { Uploader } from './image-drafts.ts';

/** An uploader the test drives by hand: progress, success, failure, and whether it was cancelled. */
function manualUploader() {
  const calls: {
    name: string;
    progress: (f: number) => void;
    resolve: (a: Attachment) => void;
    reject: (e: unknown) => void;
    cancelled: boolean;
  }[] = [];
  const upload: Uploader = (_file, _channelId, name, progress) => {
    const call = {
      name,
      progress,
      resolve: (_a: Attachment) => {},
      reject: (_e: unknown) => {},
      cancelled: false,
    };
    const done = new Promise<Attachment>((resolve, reject) => Object.assign(call, { resolve, reject }));
    calls.push(call);
    return {
      done,
      cancel: () => {
        call.cancelled = true;
        call.reject(new DOMException('Upload cancelled', 'AbortError'));
      },
    };
  };
  return { upload, calls };
}

const png = (name: string) => new File([new Uint8Array([0x89, 0x50])], name, { type: 'image/png' });
const attachment = (n: number): Attachment => ({
  id: String(n).repeat(64),
  mime: 'image/png',
  width: 10,
  height: 10,
  bytes: 2,
});
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ImageDrafts', () => {
  it('uploads each image at once, reports progress, and hands over the ids in order', async () => {
    const { upload, calls } = manualUploader();
    const tray = new ImageDrafts('c1', upload);
    let changes = 0;
    tray.subscribe(() => changes++);
    expect(tray.add([png('a.png'), png('b.png')])).toEqual([]);
    expect(calls.map((c) => c.name)).toEqual(['a.png', 'b.png']);
    calls[0]!.progress(0.5);
    expect(tray.getSnapshot()[0]).toMatchObject({ status: 'uploading', progress: 0.5 });
    expect(() => tray.take()).toThrow(ChatError);
    calls[1]!.resolve(attachment(2));
    calls[0]!.resolve(attachment(1));
    await tick();
    expect(tray.uploading).toBe(false);
    expect(tray.take()).toEqual([attachment(1).id, attachment(2).id]);
    expect(tray.getSnapshot()).toEqual([]);
    expect(changes).toBeGreaterThan(4);
  });

  it('refuses files that are not accepted images, saying why', () => {
    const { upload, calls } = manualUploader();
    const tray = new ImageDrafts('c1', upload);
    const svg = new File(['<svg/>'], 'logo.svg', { type: 'image/svg+xml' });
    expect(tray.add([svg])).toEqual(['logo.svg is not a PNG, JPEG, GIF or WebP image.']);
    expect(calls).toHaveLength(0);
  });

  it('removing an image cancels its upload', async () => {
    const { upload, calls } = manualUploader();
    const tray = new ImageDrafts('c1', upload);
    tray.add([png('a.png')]);
    tray.remove(tray.getSnapshot()[0]!.key);
    await tick();
    expect(calls[0]!.cancelled).toBe(true);
    expect(tray.getSnapshot()).toEqual([]);
  });

  it('keeps a failed upload with its reason until removed', async () => {
    const { upload, calls } = manualUploader();
    const tray = new ImageDrafts('c1', upload);
    tray.add([png('a.png')]);
    calls[0]!.reject(ChatError.tooLarge('Uploads can be at most 10 MB'));
    await tick();
    expect(tray.getSnapshot()[0]).toMatchObject({ status: 'failed', error: 'Uploads can be at most 10 MB' });
    expect(tray.failed).toBe(true);
  });

  it('takes at most the per-message number of images', () => {
    const { upload } = manualUploader();
    const tray = new ImageDrafts('c1', upload);
    const problems = tray.add(Array.from({ length: 12 }, (_, i) => png(`${i}.png`)));
    expect(tray.getSnapshot()).toHaveLength(10);
    expect(problems).toEqual(['A message can carry at most 10 images.']);
  });
});
