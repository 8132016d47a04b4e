import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Attachment, ErrorBody } from '@segmentchat/protocol';

export interface UploadResponse {
  status: number;
  body: { attachment?: Attachment; error?: ErrorBody };
}

/** `POST /api/uploads` with the bytes as the body, as the SDK and the web app send it. */
export async function upload(
  baseUrl: string,
  token: string | undefined,
  channelId: string,
  bytes: Buffer,
  { filename = 'image', type = 'application/octet-stream' }: { filename?: string; type?: string } = {},
): Promise<UploadResponse> {
  const q = new URLSearchParams({ channelId, filename });
  const res = await fetch(`${baseUrl}/api/uploads?${q}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: Uint8Array.from(bytes),
  });
  return { status: res.status, body: (await res.json()) as UploadResponse['body'] };
}

export async function fetchFile(baseUrl: string, id: string, token?: string) {
  const res = await fetch(`${baseUrl}/api/files/${id}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Every file under `dir` (relative paths), to check that a refusal left nothing behind. */
export function filesUnder(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  } catch {
    return [];
  }
}

export interface StreamedUpload {
  status: number;
  body: string;
  /** Bytes the socket accepted before the answer came: an upper bound of what the server read. */
  written: number;
}

/**
 * Streams up to `total` bytes (a PNG signature, then zeros) with no Content-Length, as a client
 * uploading a huge file would, and stops as soon as the server answers. One 64 KB chunk is
 * reused, so the sender's memory stays flat whatever `total` is.
 */
export function streamUpload(
  baseUrl: string,
  token: string,
  channelId: string,
  total: number,
): Promise<StreamedUpload> {
  const chunk = Buffer.alloc(64 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(chunk);
  return new Promise((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(
      `${baseUrl}/api/uploads?channelId=${encodeURIComponent(channelId)}&filename=big.png`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'image/png',
          'transfer-encoding': 'chunked',
        },
      },
    );
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, written }));
      res.on('error', reject);
    });
    // Once answered, the server closes the connection under our remaining writes: expected.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}
