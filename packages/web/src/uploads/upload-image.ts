import { ChatError, ErrorCode, UploadRoute } from '@segmentchat/protocol';
import type { Attachment, ErrorBody, UploadResult } from '@segmentchat/protocol';

/** The types the server accepts; anything else is refused here, before a byte is sent. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

export interface UploadHandle {
  /** The stored attachment; rejects with a ChatError, or an `AbortError` after `cancel()`. */
  done: Promise<Attachment>;
  cancel(): void;
}

/**
 * A name the server takes: no path separators, control characters or `..` (a pasted screenshot
 * is just "image.png", but a dropped file may be called anything).
 */
export function safeFilename(name: string): string {
  const cleaned = name.replace(/[/\\\x00-\x1f\x7f]/g, '_').replace(/\.{2,}/g, '.');
  return cleaned.slice(-200) || 'image';
}

/**
 * POSTs the file's bytes to `/api/uploads` with XMLHttpRequest, the one browser API that reports
 * upload progress. The session cookie authenticates it, as every other same-origin request.
 */
export function uploadImage(
  file: Blob,
  channelId: string,
  filename: string,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Attachment>((resolve, reject) => {
    const q = new URLSearchParams({ channelId, filename: safeFilename(filename) });
    xhr.open('POST', `${UploadRoute.UPLOADS}?${q.toString()}`);
    xhr.responseType = 'json';
    xhr.setRequestHeader('content-type', IMAGE_TYPES.has(file.type) ? file.type : 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = xhr.response as (Partial<UploadResult> & { error?: ErrorBody }) | null;
      if (xhr.status >= 200 && xhr.status < 300 && body?.attachment) {
        onProgress(1);
        resolve(body.attachment);
      } else if (body?.error) {
        reject(ChatError.fromBody(body.error));
      } else {
        reject(new ChatError(ErrorCode.UNAVAILABLE, `Upload failed (HTTP ${xhr.status})`));
      }
    };
    xhr.onerror = () => reject(new ChatError(ErrorCode.UNAVAILABLE, 'Cannot reach the server'));
    xhr.onabort = () => reject(new DOMException('Upload cancelled', 'AbortError'));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}
