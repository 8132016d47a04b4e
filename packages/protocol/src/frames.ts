import type { ErrorBody } from './error-code.ts';
import { ErrorCode } from './error-code.ts';
import { Limits } from './limits.ts';
import type { ParsedParams, RequestResult, RequestType } from './requests.ts';
import { requests } from './requests.ts';

/** A validated request frame, as the server's handlers see it. */
export type RequestFrame<T extends RequestType = RequestType> = {
  [K in T]: { id: number; type: K; params: ParsedParams<K> };
}[T];

export type ReplyFrame<T extends RequestType = RequestType> =
  ({ re: number; ok: true } & RequestResult<T>) | { re: number; ok: false; error: ErrorBody };

export type FrameParseResult =
  { ok: true; frame: RequestFrame } | { ok: false; id: number | null; error: ErrorBody };

function isRequestType(type: unknown): type is RequestType {
  return typeof type === 'string' && Object.hasOwn(requests, type);
}

/**
 * Parses and validates one client frame. Never throws: anything wrong becomes a typed error,
 * carrying the request id when one could be read so the client can match it.
 */
export function parseClientFrame(raw: string): FrameParseResult {
  if (raw.length > Limits.FRAME_BYTES_MAX) {
    return { ok: false, id: null, error: { code: ErrorCode.TOO_LARGE, message: 'Frame too large' } };
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, id: null, error: { code: ErrorCode.INVALID, message: 'Frame is not valid JSON' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      id: null,
      error: { code: ErrorCode.INVALID, message: 'Frame must be a JSON object' },
    };
  }
  const { id, type, ...rest } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return { ok: false, id: null, error: { code: ErrorCode.INVALID, message: 'Frame needs a numeric id' } };
  }
  if (!isRequestType(type)) {
    return { ok: false, id, error: { code: ErrorCode.UNKNOWN_TYPE, message: `Unknown request type` } };
  }
  const parsed = requests[type].params.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return {
      ok: false,
      id,
      error: { code: ErrorCode.INVALID, message: `${where}${issue?.message ?? 'invalid'}` },
    };
  }
  return { ok: true, frame: { id, type, params: parsed.data } as RequestFrame };
}
