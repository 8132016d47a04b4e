import type { FastifyInstance } from 'fastify';
import { ChatError, ErrorCode, UploadRoute } from '@segmentchat/protocol';
import type { UploadResult } from '@segmentchat/protocol';
import { sendError } from './http-errors.ts';
import { httpPrincipal } from './http-principal.ts';
import type { Services } from './services.ts';
import type { UploadService } from './upload-service.ts';

/** What a browser or the SDK may label an image body with; the real type comes from the bytes. */
const BODY_TYPE = /^(image\/[a-z0-9.+-]+|application\/octet-stream)\s*(;|$)/i;

function queryString(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `POST /api/uploads?channelId=…&filename=…` with the raw image as the body. The body is not
 * parsed by Fastify: the upload service streams it to disk and stops at the byte limit.
 */
export async function registerUploadRoutes(
  app: FastifyInstance,
  services: Services,
  uploads: UploadService,
): Promise<void> {
  await app.register(async (scope) => {
    // In this scope only: every body is left on the socket for the route to stream.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

    scope.post(UploadRoute.UPLOADS, async (req, reply) => {
      try {
        const channelId = queryString(req.query, 'channelId');
        if (!channelId) throw ChatError.invalid('channelId is required');
        const type = req.headers['content-type'] ?? '';
        if (!BODY_TYPE.test(type)) {
          throw new ChatError(
            ErrorCode.UNSUPPORTED_MEDIA,
            'Send the image bytes as image/* or application/octet-stream',
          );
        }
        const length = req.headers['content-length'];
        const { user } = await httpPrincipal(req, services);
        const attachment = await uploads.upload(user, {
          channelId,
          filename: queryString(req.query, 'filename'),
          declaredBytes: length === undefined ? undefined : Number(length),
          body: req.raw,
        });
        const result: UploadResult = { attachment };
        return await reply.status(201).send(result);
      } catch (e) {
        // A refused body is not read to its end (it may be 100 MB): answer, then drop the
        // connection so that the rest is never taken off the socket.
        if (!req.raw.complete) void reply.header('connection', 'close');
        return sendError(reply, e, req);
      }
    });
  });
}
