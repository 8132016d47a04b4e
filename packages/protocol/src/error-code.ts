/**
 * Every error the server can return, grouped by what a client should do about it.
 * Each code is documented in docs/protocol.md (a test checks that).
 */
export const ErrorCode = {
  // --- Fail this request; retrying the same request will fail the same way. ---
  /** The frame or body did not match its schema (wrong type, missing field, bad JSON). */
  INVALID: 'INVALID',
  /** The frame or body is larger than the server accepts. */
  TOO_LARGE: 'TOO_LARGE',
  /** Unknown request type. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** The caller is authenticated but not allowed to do this (visitor, non-owner, non-admin). */
  FORBIDDEN: 'FORBIDDEN',
  /** The thing does not exist, or the caller may not know it exists (private channels). */
  NOT_FOUND: 'NOT_FOUND',
  /** The request conflicts with existing state (username taken, channel name taken). */
  CONFLICT: 'CONFLICT',
  /** The password is too weak or too common. */
  WEAK_PASSWORD: 'WEAK_PASSWORD',
  /** Wrong username or password. */
  BAD_CREDENTIALS: 'BAD_CREDENTIALS',
  /** The account must set a new password before doing anything else. */
  PASSWORD_CHANGE_REQUIRED: 'PASSWORD_CHANGE_REQUIRED',
  /** The uploaded file is not an image we accept (type sniffed from its bytes). */
  UNSUPPORTED_MEDIA: 'UNSUPPORTED_MEDIA',

  // --- Retry later, with backoff. ---
  /** Too many requests; `retryAfterMs` says when to try again. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The server is shutting down or overloaded. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An unexpected server fault; the request may be retried. */
  INTERNAL: 'INTERNAL',

  // --- Give up: the session is not valid. Sign in again. ---
  /** No valid session (missing, expired, revoked token, or a disabled account). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The client speaks another protocol version. */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes after which retrying the same request can succeed. */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.RATE_LIMITED,
  ErrorCode.UNAVAILABLE,
  ErrorCode.INTERNAL,
]);

/** WebSocket close codes the server uses, besides the standard 1000/1001/1009. */
export const CloseCode = {
  /** The session is gone (signed out, revoked, account disabled or deleted). Do not reconnect. */
  UNAUTHENTICATED: 4001,
  /** `hello.protocol` differs from the server's; reload the app. */
  PROTOCOL_VERSION: 4002,
  /** The connection broke the rules (flooding, no hello in time, frames before hello). */
  POLICY: 4008,
  /** The server is restarting; reconnect soon. */
  RESTARTING: 4012,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  retryAfterMs?: number;
}

/** The one error type of client and server: a code, a message, and maybe when to retry. */
export class ChatError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'ChatError';
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }

  static invalid(message: string): ChatError {
    return new ChatError(ErrorCode.INVALID, message);
  }
  static notFound(what = 'Not found'): ChatError {
    return new ChatError(ErrorCode.NOT_FOUND, what);
  }
  static forbidden(message = 'Not allowed'): ChatError {
    return new ChatError(ErrorCode.FORBIDDEN, message);
  }
  static conflict(message: string): ChatError {
    return new ChatError(ErrorCode.CONFLICT, message);
  }
  static unauthenticated(message = 'Sign in first'): ChatError {
    return new ChatError(ErrorCode.UNAUTHENTICATED, message);
  }
  static rateLimited(retryAfterMs: number): ChatError {
    return new ChatError(ErrorCode.RATE_LIMITED, 'Too many requests, slow down', retryAfterMs);
  }
  static tooLarge(message: string): ChatError {
    return new ChatError(ErrorCode.TOO_LARGE, message);
  }

  toBody(): ErrorBody {
    const body: ErrorBody = { code: this.code, message: this.message };
    if (this.retryAfterMs !== undefined) body.retryAfterMs = this.retryAfterMs;
    return body;
  }

  static fromBody(body: ErrorBody): ChatError {
    return new ChatError(body.code, body.message, body.retryAfterMs);
  }
}
