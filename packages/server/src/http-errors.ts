import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { ErrorBody } from '@segmentchat/protocol';

const STATUS: Record<ErrorCode, number> = {
  INVALID: 400,
  TOO_LARGE: 413,
  UNKNOWN_TYPE: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  WEAK_PASSWORD: 400,
  BAD_CREDENTIALS: 401,
  PASSWORD_CHANGE_REQUIRED: 403,
  UNSUPPORTED_MEDIA: 415,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  UNAUTHENTICATED: 401,
  PROTOCOL_MISMATCH: 400,
};

/** Fastify's own errors (bad JSON, body too large, wrong content type) in our error shape. */
function fromFastify(e: FastifyError): ErrorBody {
  if (e.statusCode === 413) return { code: ErrorCode.TOO_LARGE, message: 'Body too large' };
  if (e.statusCode === 415) return { code: ErrorCode.INVALID, message: 'Send JSON' };
  if (e.statusCode !== undefined && e.statusCode < 500)
    return { code: ErrorCode.INVALID, message: e.message };
  return { code: ErrorCode.INTERNAL, message: 'Internal error' };
}

/** Every HTTP error is `{ error: { code, message } }` with a status that matches the code. */
export function sendError(reply: FastifyReply, e: unknown, req?: FastifyRequest): FastifyReply {
  let body: ErrorBody;
  if (e instanceof ChatError) body = e.toBody();
  else if (e && typeof e === 'object' && 'statusCode' in e) body = fromFastify(e as FastifyError);
  else {
    req?.log.error(e);
    body = { code: ErrorCode.INTERNAL, message: 'Internal error' };
  }
  if (body.retryAfterMs !== undefined) void reply.header('retry-after', Math.ceil(body.retryAfterMs / 1000));
  return reply.status(STATUS[body.code]).send({ error: body });
}
