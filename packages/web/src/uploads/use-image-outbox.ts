import { useSyncExternalStore } from 'react';
import { newClientMsgId } from '@segmentchat/client';
import type { ChatClient } from '@segmentchat/client';
import { IndexedDBImageOutboxStore } from './indexeddb-image-outbox-store.ts';
import { ImageOutbox } from './image-outbox.ts';
import type { QueuedImageMessage } from './image-outbox.ts';
import { MemoryImageOutboxStore } from './memory-image-outbox-store.ts';
import { uploadImage } from './upload-image.ts';

const outboxes = new WeakMap<ChatClient, ImageOutbox>();

/**
 * The account's image outbox, made once per client: it loads what a previous visit left and
 * sends it whenever the client comes online (now, or after a reconnect). Tabs take turns through
 * a Web Lock, and each run re-reads storage, so a message is sent by one tab only.
 */
export function imageOutboxFor(client: ChatClient, userId: string): ImageOutbox {
  const existing = outboxes.get(client);
  if (existing) return existing;
  const store =
    typeof indexedDB === 'undefined' ? new MemoryImageOutboxStore() : new IndexedDBImageOutboxStore(userId);
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  const created = new ImageOutbox(store, {
    upload: (blob, channelId, name) => uploadImage(blob, channelId, name, () => {}).done,
    send: (channelId, text, ids, clientMsgId) => client.sendMessage(channelId, text, ids, clientMsgId),
    newId: newClientMsgId,
    ...(locks
      ? {
          // The lock is held until `work` settles (request awaits the promise it returns).
          exclusive: <T>(work: () => Promise<T>) =>
            locks.request(`segmentchat-image-outbox:${userId}`, work) as unknown as Promise<T>,
        }
      : {}),
  });
  outboxes.set(client, created);
  const flushIfOnline = () => {
    if (client.state === 'online') void created.flush().catch(() => {});
  };
  void created.init().then(flushIfOnline, () => {});
  client.on('state', flushIfOnline);
  return created;
}

export function useImageOutbox(client: ChatClient, userId: string, channelId: string) {
  const outbox = imageOutboxFor(client, userId);
  const all = useSyncExternalStore(outbox.subscribe, outbox.getSnapshot);
  const queued: readonly QueuedImageMessage[] = all.filter((e) => e.channelId === channelId);
  return { outbox, queued };
}
