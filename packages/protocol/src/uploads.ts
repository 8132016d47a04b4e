import { z } from 'zod';
import { Attachment } from './entities.ts';

/**
 * Image uploads, over HTTP (the session cookie or `Authorization: Bearer <token>`).
 *
 * `POST /api/uploads?channelId=…&filename=…` takes the raw image bytes as the body
 * (`Content-Type: image/*` or `application/octet-stream`) and answers `UploadResult`. The server
 * reads the type from the bytes (PNG, JPEG, GIF, WebP), re-encodes the image without metadata
 * and stores it under its SHA-256. Refusals: 413 `TOO_LARGE` (body over the byte limit, checked
 * while it streams, or too many pixels), 415 `UNSUPPORTED_MEDIA`, 400 `INVALID` (damaged image,
 * bad filename), 403 `FORBIDDEN` (visitors, non-members of a public channel), 404 `NOT_FOUND`
 * (unknown or private channel). The attachment id then goes in `message.send.attachments`; only
 * the uploader may attach it, and only in that channel.
 *
 * `GET /api/files/:id` serves the file to anyone who may read a channel it was uploaded into,
 * with `X-Content-Type-Options: nosniff`, a sandboxing Content-Security-Policy and a year of
 * private caching (the content never changes under an id). Anyone else gets 404, exactly as for
 * an id that does not exist. `?thumb` answers a copy sized for inline display (at most
 * 720 x 560, same format, animation kept), or the original when it is that small already.
 */
export const UploadRoute = {
  UPLOADS: '/api/uploads',
  FILE: '/api/files/:id',
} as const;

export const UploadResult = z.object({ attachment: Attachment });
export type UploadResult = z.infer<typeof UploadResult>;

/** The URL path of an attachment's file, or of its inline-sized copy. */
export function fileUrl(id: string, options: { thumb?: boolean } = {}): string {
  return `/api/files/${encodeURIComponent(id)}${options.thumb ? '?thumb' : ''}`;
}
