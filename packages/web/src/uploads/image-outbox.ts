import { ChatError, RETRYABLE_CODES } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';

export interface QueuedImage {
  name: string;
  type: string;
  blob: Blob;
  /** Set once uploaded, so a retry after a crash uploads only what is missing. */
  attachmentId: string | null;
}

/** A message with images written while offline: it waits here, with the image bytes. */
export interface QueuedImageMessage {
  /** Made when queued and used for the send: the server's dedup makes resends exactly-once. */
  clientMsgId: string;
  channelId: string;
  text: string;
  createdAt: number;
  images: readonly QueuedImage[];
  /** Why the server refused it for good (too large, not an image); null while it may still go. */
  error: string | null;
}

/** Where queued image messages live: IndexedDB in the browser, memory in unit tests. */
export interface ImageOutboxStore {
  load(): Promise<QueuedImageMessage[]>;
  put(entry: QueuedImageMessage): Promise<void>;
  delete(clientMsgId: string): Promise<void>;
}

export interface ImageOutboxDeps {
  upload(blob: Blob, channelId: string, name: string): Promise<Attachment>;
  /** Hands the message to the SDK's outbox (durable once resolved). */
  send(channelId: string, text: string, attachmentIds: string[], clientMsgId: string): Promise<unknown>;
  newId(): string;
  /** Runs `work` alone among this account's tabs (a Web Lock); directly where there is none. */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** No answer, a server fault or a rate limit: try again at the next reconnect. */
function retryable(e: unknown): boolean {
  return !(e instanceof ChatError) || RETRYABLE_CODES.has(e.code);
}

/**
 * The image outbox. A message whose images could not be uploaded (no connection) is kept with
 * its image bytes in durable storage; on reconnect each image is uploaded (content-addressed, so
 * uploading one twice stores it once) and the message goes to the SDK's outbox under the id it
 * was given when queued, then leaves this one. A crash between those steps sends the same
 * clientMsgId again, which the server answers with the first ack: exactly once.
 */
export class ImageOutbox {
  private entries: readonly QueuedImageMessage[] = [];
  private readonly listeners = new Set<() => void>();
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly store: ImageOutboxStore,
    private readonly deps: ImageOutboxDeps,
  ) {}

  async init(): Promise<void> {
    this.set(await this.store.load());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly QueuedImageMessage[] => this.entries;

  /** Queues the message durably (resolves once stored). Call `flush()` when online. */
  async enqueue(channelId: string, text: string, images: QueuedImage[]): Promise<QueuedImageMessage> {
    const entry: QueuedImageMessage = {
      clientMsgId: this.deps.newId(),
      channelId,
      text,
      createdAt: Date.now(),
      images,
      error: null,
    };
    await this.store.put(entry);
    this.set([...this.entries, entry]);
    return entry;
  }

  async discard(clientMsgId: string): Promise<void> {
    await this.store.delete(clientMsgId);
    this.set(this.entries.filter((e) => e.clientMsgId !== clientMsgId));
  }

  /** Uploads and sends everything queued, oldest first; one run at a time. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const exclusive = this.deps.exclusive ?? (<T>(work: () => Promise<T>) => work());
    this.running = (async () => {
      do {
        this.again = false;
        await exclusive(() => this.sendAll());
      } while (this.again);
    })().finally(() => (this.running = null));
    return this.running;
  }

  private async sendAll(): Promise<void> {
    // Another tab may have sent (or queued) some meanwhile: storage is the truth.
    this.set(await this.store.load());
    const queue = [...this.entries].sort((a, b) => a.createdAt - b.createdAt);
    for (let entry of queue) {
      if (entry.error !== null) continue;
      try {
        for (let i = 0; i < entry.images.length; i++) {
          const image = entry.images[i]!;
          if (image.attachmentId) continue;
          const a = await this.deps.upload(image.blob, entry.channelId, image.name);
          entry = {
            ...entry,
            images: entry.images.map((x, j) => (j === i ? { ...x, attachmentId: a.id } : x)),
          };
          await this.store.put(entry);
          this.replace(entry);
        }
        const ids = entry.images.map((x) => x.attachmentId!);
        await this.deps.send(entry.channelId, entry.text, ids, entry.clientMsgId);
        await this.store.delete(entry.clientMsgId);
        this.set(this.entries.filter((e) => e.clientMsgId !== entry.clientMsgId));
      } catch (e) {
        if (retryable(e)) return;
        entry = { ...entry, error: e instanceof Error ? e.message : 'Refused' };
        await this.store.put(entry);
        this.replace(entry);
      }
    }
  }

  private replace(entry: QueuedImageMessage): void {
    this.set(this.entries.map((e) => (e.clientMsgId === entry.clientMsgId ? entry : e)));
  }

  private set(next: readonly QueuedImageMessage[]): void {
    this.entries = next;
    for (const l of this.listeners) l();
  }
}
