import { describe, expect, it } from 'vitest';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';
import { ImageOutbox } from './image-outbox.ts';
import type { QueuedImage, QueuedImageMessage } from './image-outbox.ts';
import { MemoryImageOutboxStore } from './memory-image-outbox-store.ts';

const image = (name: string): QueuedImage => ({
  name,
  type: 'image/png',
  blob: new Blob([name], { type: 'image/png' }),
  attachmentId: null,
});
const attachmentFor = (name: string): Attachment => ({
  id: [...name]
    .map((c) => c.charCodeAt(0).toString(16).padStart(2, '0'))
    .join('')
    .padEnd(64, '0')
    .slice(0, 64),
  mime: 'image/png',
  width: 1,
  height: 1,
  bytes: 1,
});

/** A server stand-in that records uploads and sends, and can be told to be unreachable. */
function fakeServer() {
  const s = {
    reachable: true,
    refuse: new Set<string>(),
    uploads: [] as string[],
    sends: [] as { text: string; ids: string[]; clientMsgId: string }[],
    upload: async (blob: Blob, _channelId: string, name: string): Promise<Attachment> => {
      if (!s.reachable) throw new ChatError(ErrorCode.UNAVAILABLE, 'Cannot reach the server');
      if (s.refuse.has(name)) throw new ChatError(ErrorCode.TOO_LARGE, 'Uploads can be at most 10 MB');
      s.uploads.push(await blob.text());
      return attachmentFor(name);
    },
    send: async (_channelId: string, text: string, ids: string[], clientMsgId: string) => {
      if (!s.reachable) throw new ChatError(ErrorCode.UNAVAILABLE, 'offline');
      s.sends.push({ text, ids, clientMsgId });
    },
  };
  return s;
}

let ids = 0;
const newId = () => `msg-${++ids}`;

describe('ImageOutbox', () => {
  it('waits while offline, then uploads each image once and sends under the queued id', async () => {
    const server = fakeServer();
    server.reachable = false;
    const store = new MemoryImageOutboxStore();
    const outbox = new ImageOutbox(store, { upload: server.upload, send: server.send, newId });
    const queued = await outbox.enqueue('c1', 'caption', [image('a.png'), image('b.png')]);
    await outbox.flush();
    expect(outbox.getSnapshot()).toHaveLength(1);
    expect(await store.load()).toHaveLength(1);

    server.reachable = true;
    await outbox.flush();
    expect(server.uploads).toEqual(['a.png', 'b.png']);
    expect(server.sends).toEqual([
      {
        text: 'caption',
        ids: [attachmentFor('a.png').id, attachmentFor('b.png').id],
        clientMsgId: queued.clientMsgId,
      },
    ]);
    expect(outbox.getSnapshot()).toEqual([]);
    expect(await store.load()).toEqual([]);
  });

  it('survives a restart between the uploads, uploading only what is missing', async () => {
    const server = fakeServer();
    const store = new MemoryImageOutboxStore();
    const first = new ImageOutbox(store, {
      upload: async (blob, channelId, name) => {
        if (name === 'b.png') server.reachable = false; // the connection drops after the first image
        return server.upload(blob, channelId, name);
      },
      send: server.send,
      newId,
    });
    await first.enqueue('c1', '', [image('a.png'), image('b.png')]);
    await first.flush();
    expect(server.uploads).toEqual(['a.png']);

    // A new page (after a reload) finds the entry with the first image's id recorded.
    server.reachable = true;
    const second = new ImageOutbox(store, { upload: server.upload, send: server.send, newId });
    await second.init();
    expect(second.getSnapshot()[0]!.images.map((i) => i.attachmentId !== null)).toEqual([true, false]);
    await second.flush();
    expect(server.uploads).toEqual(['a.png', 'b.png']);
    expect(server.sends).toHaveLength(1);
  });

  it('resends with the same clientMsgId if the page died after handing the message on', async () => {
    const server = fakeServer();
    const store = new MemoryImageOutboxStore();
    let crash = true;
    // The page dies right after the SDK took the message: the entry is never deleted.
    const crashing = {
      load: () => store.load(),
      put: (e: QueuedImageMessage) => store.put(e),
      delete: async (id: string) => {
        if (crash) throw new Error('page closed');
        return store.delete(id);
      },
    };
    const outbox = new ImageOutbox(crashing, { upload: server.upload, send: server.send, newId });
    const queued = await outbox.enqueue('c1', 'once', [image('a.png')]);
    await outbox.flush();
    crash = false;
    await outbox.flush();
    // Both sends carry the one id, so the server stores the message once (its dedup).
    expect(server.sends.map((s) => s.clientMsgId)).toEqual([queued.clientMsgId, queued.clientMsgId]);
    expect(await store.load()).toEqual([]);
  });

  it('keeps a refused message with the reason, and sends the others', async () => {
    const server = fakeServer();
    server.refuse.add('huge.png');
    const outbox = new ImageOutbox(new MemoryImageOutboxStore(), {
      upload: server.upload,
      send: server.send,
      newId,
    });
    await outbox.enqueue('c1', 'too big', [image('huge.png')]);
    await outbox.enqueue('c1', 'fine', [image('ok.png')]);
    await outbox.flush();
    expect(server.sends.map((s) => s.text)).toEqual(['fine']);
    const left: readonly QueuedImageMessage[] = outbox.getSnapshot();
    expect(left.map((e) => [e.text, e.error])).toEqual([['too big', 'Uploads can be at most 10 MB']]);
    await outbox.discard(left[0]!.clientMsgId);
    expect(outbox.getSnapshot()).toEqual([]);
  });
});
