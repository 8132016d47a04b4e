import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Attachment, ChatError, ErrorCode } from '@segmentchat/protocol';
import type { ChannelService } from './channel-service.ts';
import type { RateSpec, ServerConfig } from './config.ts';
import { IMAGE_EXTENSION, SNIFF_BYTES, sanitizeImage, sniffImageType } from './image-sanitizer.ts';
import { makeThumbnail } from './image-thumbnail.ts';
import type { ImageMime } from './image-sanitizer.ts';
import type { AttachmentResolver } from './message-service.ts';
import { RateLimiter } from './rate-limiter.ts';
import { megabytes, receiveUpload } from './receive-upload.ts';
import { SqliteStore } from './sqlite-store.ts';
import { SqliteUploadStore } from './sqlite-upload-store.ts';
import type { Store, UserRow } from './store.ts';
import type { UploadStore } from './upload-store.ts';

export interface UploadLimits {
  /** Largest body, counted while it streams in. */
  maxBytes: number;
  /** Largest image area (all frames of an animation), read from the header before decoding. */
  maxPixels: number;
  /**
   * Images decoded at once. A 40 MP frame is ~160 MB of pixels while sharp works on it; two at a
   * time bounds that near 320 MB, and the rest wait their turn.
   */
  concurrentDecodes: number;
  /** Uploads per user. */
  rate: RateSpec;
}

export interface UploadInput {
  channelId: string;
  /** The name the file had on the uploader's disk; only checked, never used as a path. */
  filename: string | undefined;
  /** Content-Length, when the client sent one: refused before reading a byte if too large. */
  declaredBytes: number | undefined;
  body: Readable;
}

export interface StoredFile {
  file: Attachment;
  path: string;
  /** Size of what `path` holds (the thumbnail's own size when one was asked for). */
  bytes: number;
}

const ID = Attachment.shape.id;
/**
 * Temp files older than this at start are left over from a crash mid-upload. (Not all of them:
 * with the data directory shared by several nodes, another node's upload may be in flight.)
 */
const STALE_PART_MS = 3600_000;
const noSuchFile = () => ChatError.notFound('No such file');

/** Names with separators, `..`, control characters or absurd length are refused outright. */
function checkFilename(name: string | undefined): void {
  if (name === undefined) return;
  if (name.length === 0 || name.length > 255 || /[/\\\x00-\x1f\x7f]/.test(name) || name.includes('..')) {
    throw ChatError.invalid('That file name is not allowed');
  }
}

/**
 * Image uploads: who may upload where, receiving, sanitizing and content-addressed storage
 * (`<dataDir>/uploads/ab/<sha256>.<ext>`), and who may fetch a stored file. Knows nothing of HTTP.
 */
export class UploadService {
  /** Bytes taken off upload bodies since start, refused ones included. */
  bytesReceived = 0;
  private readonly root: string;
  private readonly tmp: string;
  private decoding = 0;
  private readonly decodeQueue: (() => void)[] = [];
  private readonly limiter: RateLimiter;

  constructor(
    private readonly store: UploadStore,
    private readonly channels: ChannelService,
    dataDir: string,
    private readonly limits: UploadLimits,
  ) {
    this.root = join(dataDir, 'uploads');
    this.tmp = join(this.root, 'tmp');
    this.limiter = new RateLimiter(limits.rate);
    this.removeStaleParts(Date.now() - STALE_PART_MS);
  }

  /** Uploads beside the SQLite store (on its connection); none for other stores yet. */
  static forStore(store: Store, channels: ChannelService, config: ServerConfig): UploadService | undefined {
    if (!(store instanceof SqliteStore)) return undefined;
    return new UploadService(new SqliteUploadStore(store.database), channels, config.dataDir, {
      maxBytes: config.limits.uploadBytes,
      maxPixels: config.limits.uploadPixels,
      concurrentDecodes: 2,
      rate: config.limits.uploads,
    });
  }

  /** Access checks first (before a byte is read), then receive, sanitize, store. */
  async upload(user: UserRow, input: UploadInput): Promise<Attachment> {
    if (user.role === 'visitor') throw ChatError.forbidden('Visitors cannot upload; register first');
    if (user.mustChangePassword)
      throw new ChatError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Set a new password first');
    checkFilename(input.filename);
    const channel = await this.channels.joined(user, input.channelId);
    const wait = this.limiter.take(user.id);
    if (wait > 0) throw ChatError.rateLimited(wait);
    if (input.declaredBytes !== undefined && input.declaredBytes > this.limits.maxBytes) {
      throw ChatError.tooLarge(`Uploads can be at most ${megabytes(this.limits.maxBytes)}`);
    }
    await mkdir(this.tmp, { recursive: true });
    const received = join(this.tmp, `${randomUUID()}.part`);
    const encoded = join(this.tmp, `${randomUUID()}.out`);
    const thumbTmp = join(this.tmp, `${randomUUID()}.thumb`);
    try {
      await receiveUpload(input.body, received, {
        maxBytes: this.limits.maxBytes,
        headBytes: SNIFF_BYTES,
        checkHead: (head) => {
          if (!sniffImageType(head))
            throw new ChatError(
              ErrorCode.UNSUPPORTED_MEDIA,
              'Only PNG, JPEG, GIF and WebP images are accepted',
            );
        },
        onBytes: (n) => (this.bytesReceived += n),
      });
      const { image, thumbnail } = await this.decodeInTurn(async () => {
        const image = await sanitizeImage(received, this.limits.maxPixels);
        return { image, thumbnail: await makeThumbnail(image.data, image.mime, image, image.animated) };
      });
      const id = createHash('sha256').update(image.data).digest('hex');
      const path = this.pathOf(id, image.mime);
      await mkdir(join(this.root, id.slice(0, 2)), { recursive: true });
      // Write then rename: a reader never sees half a file, and the same content uploaded twice
      // at once just renames the same bytes over each other.
      await writeFile(encoded, image.data, { mode: 0o644 });
      await rename(encoded, path);
      if (thumbnail) {
        await writeFile(thumbTmp, thumbnail, { mode: 0o644 });
        await rename(thumbTmp, this.pathOf(id, image.mime, 'thumb'));
      }
      const attachment: Attachment = {
        id,
        mime: image.mime,
        width: image.width,
        height: image.height,
        bytes: image.data.length,
      };
      await this.store.addUpload({
        ...attachment,
        uploaderId: user.id,
        channelId: channel.id,
        createdAt: Date.now(),
      });
      return attachment;
    } finally {
      await Promise.all([received, encoded, thumbTmp].map((p) => rm(p, { force: true })));
    }
  }

  /** For `message.send`: each id must be this author's upload into this channel. */
  readonly resolveAttachments: AttachmentResolver = async (user, ids, channelId) => {
    if (new Set(ids).size !== ids.length) throw ChatError.invalid('An image is attached twice');
    const found: Attachment[] = [];
    for (const id of ids) {
      const a = await this.store.findOwnUpload(id, user.id, channelId);
      if (!a) throw ChatError.invalid('Attach only images you uploaded to this channel');
      found.push(a);
    }
    return found;
  };

  /**
   * The file, if `user` may read a channel it was uploaded into. Everyone else (no session,
   * non-members of a private channel, unknown ids) gets the same NOT_FOUND.
   */
  async open(user: UserRow | undefined, id: string, variant: 'full' | 'thumb' = 'full'): Promise<StoredFile> {
    if (!user || user.mustChangePassword || !ID.safeParse(id).success) throw noSuchFile();
    const found = await this.store.findFile(id);
    if (!found) throw noSuchFile();
    let allowed = false;
    for (const channelId of found.channelIds) {
      allowed = await this.channels.readable(user, channelId).then(
        () => true,
        () => false,
      );
      if (allowed) break;
    }
    if (!allowed) throw noSuchFile();
    // An image small enough to be its own thumbnail has no separate one.
    for (const v of variant === 'thumb' ? (['thumb', 'full'] as const) : (['full'] as const)) {
      const path = this.pathOf(id, found.file.mime, v);
      const s = await stat(path).catch(() => undefined);
      if (s?.isFile()) return { file: found.file, path, bytes: s.size };
    }
    throw noSuchFile();
  }

  private removeStaleParts(before: number): void {
    let names: string[];
    try {
      names = readdirSync(this.tmp);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(this.tmp, name);
      try {
        if (statSync(path).mtimeMs < before) rmSync(path, { force: true });
      } catch {
        // Gone already (another node cleaned it): fine.
      }
    }
  }

  private pathOf(id: string, mime: ImageMime, variant: 'full' | 'thumb' = 'full'): string {
    const suffix = variant === 'thumb' ? '.thumb' : '';
    return join(this.root, id.slice(0, 2), `${id}${suffix}.${IMAGE_EXTENSION[mime]}`);
  }

  private async decodeInTurn<T>(work: () => Promise<T>): Promise<T> {
    // A finished decode hands its slot straight to the next in line, so the count never overshoots.
    if (this.decoding >= this.limits.concurrentDecodes) {
      await new Promise<void>((resolve) => this.decodeQueue.push(resolve));
    } else {
      this.decoding++;
    }
    try {
      return await work();
    } finally {
      const next = this.decodeQueue.shift();
      if (next) next();
      else this.decoding--;
    }
  }
}
