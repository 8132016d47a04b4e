import { ChatError, ErrorCode, UploadRoute } from '@segmentchat/protocol';
import type { Attachment, ErrorBody, UploadResult } from '@segmentchat/protocol';

export interface UploadOptions {
  /** The file's name on the sender's side; the server refuses path separators and `..`. */
  filename?: string;
  /** The declared type; the server reads the real one from the bytes. */
  type?: string;
  /** Bearer token (Node, bots). Browsers send the session cookie instead. */
  token?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

/**
 * Uploads one image (`POST /api/uploads`) and answers its attachment, whose id then goes into
 * `sendMessage(channelId, text, [id])`. For bots and Node; the web app uses XMLHttpRequest for
 * upload progress. Refusals are ChatErrors with the server's code (`TOO_LARGE`,
 * `UNSUPPORTED_MEDIA`, `INVALID`, `FORBIDDEN`, `NOT_FOUND`, `RATE_LIMITED`).
 */
export async function uploadImage(
  baseUrl: string,
  channelId: string,
  bytes: Blob | Uint8Array<ArrayBuffer>,
  options: UploadOptions = {},
): Promise<Attachment> {
  const q = new URLSearchParams({ channelId, filename: options.filename ?? 'image' });
  const headers: Record<string, string> = { 'content-type': options.type ?? 'application/octet-stream' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(new URL(`${UploadRoute.UPLOADS}?${q}`, baseUrl), {
      method: 'POST',
      headers,
      body: bytes,
      credentials: 'include',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ChatError(ErrorCode.UNAVAILABLE, `Cannot reach the server (${(error as Error).message})`);
  }
  const data = (await response.json().catch(() => undefined)) as
    (Partial<UploadResult> & { error?: ErrorBody }) | undefined;
  if (response.ok && data?.attachment) return data.attachment;
  if (data?.error) throw ChatError.fromBody(data.error);
  throw new ChatError(ErrorCode.UNAVAILABLE, `Upload failed (HTTP ${response.status})`);
}
