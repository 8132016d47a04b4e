import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { UploadRoute } from '@segmentchat/protocol';
import { httpPrincipal } from './http-principal.ts';
import type { Services } from './services.ts';
import type { UploadService } from './upload-service.ts';

/**
 * `GET /api/files/:id`: an uploaded image, to those who may read a channel it was uploaded into.
 * The headers make it inert even if a browser opens it directly: it is the declared type and
 * nothing else (`nosniff`), and a document made of it can run and load nothing (`sandbox`).
 */
export function registerFileRoutes(app: FastifyInstance, services: Services, uploads: UploadService): void {
  app.get<{ Params: { id: string } }>(UploadRoute.FILE, async (req, reply) => {
    const user = await httpPrincipal(req, services).then(
      (p) => p.user,
      () => undefined,
    );
    // `?thumb` asks for the inline-sized copy (the original when the image is small already).
    const thumb = (req.query as Record<string, unknown> | undefined)?.thumb !== undefined;
    const { file, path, bytes } = await uploads.open(user, req.params.id, thumb ? 'thumb' : 'full');
    const etag = `"${file.id}${thumb ? '-thumb' : ''}"`;
    void reply
      .header('content-type', file.mime)
      .header('content-length', bytes)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cross-origin-resource-policy', 'same-origin')
      // The id is the content's hash: the bytes under it never change.
      .header('cache-control', 'private, max-age=31536000, immutable')
      .header('etag', etag);
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.send(createReadStream(path));
  });
}
