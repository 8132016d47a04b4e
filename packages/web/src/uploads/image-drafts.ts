import { ChatError, ErrorCode, Limits } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';
import { IMAGE_TYPES, uploadImage } from './upload-image.ts';
import type { UploadHandle } from './upload-image.ts';
import type { QueuedImage } from './image-outbox.ts';

export interface ImageDraft {
  key: string;
  name: string;
  file: File;
  /** An object URL of the local file, for the preview. */
  previewUrl: string;
  /** 0..1 of the bytes sent. */
  progress: number;
  status: 'uploading' | 'done' | 'failed';
  error: string | null;
  /** Failed only for want of a connection: it can still go out through the image outbox. */
  offline: boolean;
  attachment: Attachment | null;
}

export type Uploader = (
  file: Blob,
  channelId: string,
  name: string,
  onProgress: (f: number) => void,
) => UploadHandle;

let nextKey = 0;

/**
 * The images waiting in one channel's composer. Each starts uploading as soon as it is added
 * (so it is usually done by the time the caption is written), shows its progress, and can be
 * removed, which cancels its upload. React reads it with useSyncExternalStore; no component
 * holds transport state.
 */
export class ImageDrafts {
  private drafts: readonly ImageDraft[] = [];
  private readonly uploads = new Map<string, UploadHandle>();
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly channelId: string,
    private readonly upload: Uploader = uploadImage,
  ) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): readonly ImageDraft[] => this.drafts;

  /** Adds image files; answers why the others were left out (wrong type, too many). */
  add(files: Iterable<File>): string[] {
    const problems: string[] = [];
    for (const file of files) {
      if (!IMAGE_TYPES.has(file.type)) {
        problems.push(`${file.name || 'That file'} is not a PNG, JPEG, GIF or WebP image.`);
        continue;
      }
      if (this.drafts.length >= Limits.ATTACHMENTS_PER_MESSAGE_MAX) {
        problems.push(`A message can carry at most ${Limits.ATTACHMENTS_PER_MESSAGE_MAX} images.`);
        break;
      }
      this.start(file);
    }
    return problems;
  }

  remove(key: string): void {
    this.uploads.get(key)?.cancel();
    this.uploads.delete(key);
    const d = this.drafts.find((x) => x.key === key);
    if (d) URL.revokeObjectURL(d.previewUrl);
    this.set(this.drafts.filter((x) => x.key !== key));
  }

  get uploading(): boolean {
    return this.drafts.some((d) => d.status === 'uploading');
  }

  /** Some image was refused for good (too large, not an image): it must be removed. */
  get failed(): boolean {
    return this.drafts.some((d) => d.status === 'failed' && !d.offline);
  }

  /** Some image could not reach the server: the message should wait in the image outbox. */
  get waitingForNetwork(): boolean {
    return this.drafts.some((d) => d.status === 'failed' && d.offline);
  }

  /** The uploaded attachments' ids, in the order added, and empties the tray for the next message. */
  take(): string[] {
    if (this.uploading || this.drafts.some((d) => d.status === 'failed'))
      throw ChatError.invalid('Wait for the images to upload, or remove them');
    const ids = this.drafts.map((d) => d.attachment!.id);
    for (const d of this.drafts) URL.revokeObjectURL(d.previewUrl);
    this.set([]);
    return ids;
  }

  /**
   * Everything in the tray, uploaded or not, for the image outbox; uploads still running are
   * cancelled (the outbox uploads them again when online: same bytes, same stored file).
   */
  takeAll(): QueuedImage[] {
    const images = this.drafts.map((d) => ({
      name: d.name,
      type: d.file.type,
      blob: d.file,
      attachmentId: d.attachment?.id ?? null,
    }));
    for (const d of this.drafts) {
      this.uploads.get(d.key)?.cancel();
      URL.revokeObjectURL(d.previewUrl);
    }
    this.uploads.clear();
    this.set([]);
    return images;
  }

  private start(file: File): void {
    const key = `img-${++nextKey}`;
    const draft: ImageDraft = {
      key,
      name: file.name || 'image',
      file,
      previewUrl: URL.createObjectURL(file),
      progress: 0,
      status: 'uploading',
      error: null,
      offline: false,
      attachment: null,
    };
    this.set([...this.drafts, draft]);
    const handle = this.upload(file, this.channelId, draft.name, (progress) => this.patch(key, { progress }));
    this.uploads.set(key, handle);
    handle.done.then(
      (attachment) => this.patch(key, { status: 'done', progress: 1, attachment }),
      (e: unknown) => {
        if (e instanceof DOMException && e.name === 'AbortError') return;
        const offline = e instanceof ChatError && e.code === ErrorCode.UNAVAILABLE;
        this.patch(key, {
          status: 'failed',
          offline,
          error: e instanceof Error ? e.message : 'Upload failed',
        });
      },
    );
    void handle.done.finally(() => this.uploads.delete(key)).catch(() => {});
  }

  private patch(key: string, change: Partial<ImageDraft>): void {
    if (!this.drafts.some((d) => d.key === key)) return;
    this.set(this.drafts.map((d) => (d.key === key ? { ...d, ...change } : d)));
  }

  private set(next: readonly ImageDraft[]): void {
    this.drafts = next;
    for (const l of this.listeners) l();
  }
}

const byChannel = new Map<string, ImageDrafts>();

/** One tray per channel for the page's life, like the text drafts: switching channels keeps it. */
export function imageDraftsFor(channelId: string): ImageDrafts {
  let d = byChannel.get(channelId);
  if (!d) {
    d = new ImageDrafts(channelId);
    byChannel.set(channelId, d);
  }
  return d;
}

/** Image files from a paste or a drop (a copied screenshot arrives as a file named image.png). */
export function imageFiles(data: DataTransfer | null): File[] {
  if (!data) return [];
  const files = [...data.files];
  if (files.length > 0) return files.filter((f) => f.type.startsWith('image/'));
  return [...data.items]
    .filter((i) => i.kind === 'file' && i.type.startsWith('image/'))
    .map((i) => i.getAsFile())
    .filter((f): f is File => f !== null);
}
