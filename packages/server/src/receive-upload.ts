import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { ChatError } from '@segmentchat/protocol';

export interface ReceiveOptions {
  /** More bytes than this and the upload is refused at once, whatever is still on the wire. */
  maxBytes: number;
  /** Once this many bytes are in (or the body ends), `checkHead` sees them. */
  headBytes: number;
  /** Throws to refuse the body from its first bytes (wrong type) without reading the rest. */
  checkHead(head: Buffer): void;
  /** Counts every byte taken off the socket (for metrics and tests). */
  onBytes(n: number): void;
}

/**
 * Streams a request body into a new file, one chunk at a time: memory stays at one socket chunk
 * (~64 KB) however large the body claims or turns out to be. On refusal the body is left paused
 * and unread; the caller answers and closes the connection, so the rest is never read.
 * The file may exist after a refusal; the caller removes it.
 */
export async function receiveUpload(body: Readable, path: string, opts: ReceiveOptions): Promise<number> {
  const file = await open(path, 'wx', 0o600);
  try {
    return await new Promise<number>((resolve, reject) => {
      let total = 0;
      let head: Buffer[] | undefined = [];
      let settled = false;

      const finish = (e?: unknown) => {
        if (settled) return;
        settled = true;
        body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
        if (e === undefined) {
          resolve(total);
        } else {
          body.pause();
          reject(e instanceof Error ? e : new Error('Upload failed'));
        }
      };
      const sniff = () => {
        if (!head) return;
        const bytes = Buffer.concat(head);
        head = undefined;
        opts.checkHead(bytes);
      };
      const onData = (chunk: Buffer) => {
        total += chunk.length;
        opts.onBytes(chunk.length);
        if (total > opts.maxBytes) {
          finish(ChatError.tooLarge(`Uploads can be at most ${megabytes(opts.maxBytes)}`));
          return;
        }
        try {
          if (head) {
            head.push(chunk);
            if (total >= opts.headBytes) sniff();
          }
        } catch (e) {
          finish(e);
          return;
        }
        // One chunk in flight at a time: the socket waits while the disk writes (backpressure).
        body.pause();
        file.write(chunk).then(
          () => {
            if (!settled) body.resume();
          },
          (e: unknown) => finish(e),
        );
      };
      const onEnd = () => {
        try {
          sniff();
          finish();
        } catch (e) {
          finish(e);
        }
      };
      const onError = () => finish(ChatError.invalid('The upload was interrupted'));
      const onClose = () => finish(ChatError.invalid('The upload was interrupted'));
      body.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
      body.resume();
    });
  } finally {
    await file.close();
  }
}

export function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toLocaleString('en', { maximumFractionDigits: 1 })} MB`;
}
