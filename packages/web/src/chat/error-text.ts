import { ChatError, ErrorCode } from '@segmentchat/protocol';

/** A sentence a person can act on, for any error the SDK or server can produce. */
export function errorText(err: unknown): string {
  if (!(err instanceof ChatError)) {
    return err instanceof Error && err.message ? err.message : 'Something went wrong. Please try again.';
  }
  switch (err.code) {
    case ErrorCode.BAD_CREDENTIALS:
      return 'Wrong username or password.';
    case ErrorCode.CONFLICT:
      return err.message || 'That name is already taken.';
    case ErrorCode.WEAK_PASSWORD:
      return err.message || 'Choose a stronger password: at least 8 characters, not a common one.';
    case ErrorCode.RATE_LIMITED: {
      const s = Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000));
      return `Too many attempts. Try again in ${s} second${s === 1 ? '' : 's'}.`;
    }
    case ErrorCode.UNAVAILABLE:
      return 'Can’t reach the server. Check your connection and try again.';
    case ErrorCode.FORBIDDEN:
      return err.message || 'You’re not allowed to do that.';
    case ErrorCode.NOT_FOUND:
      return err.message || 'That doesn’t exist (anymore).';
    case ErrorCode.UNAUTHENTICATED:
      return 'Your session has ended. Sign in again.';
    case ErrorCode.INVALID:
    case ErrorCode.TOO_LARGE:
    case ErrorCode.UNKNOWN_TYPE:
    case ErrorCode.PASSWORD_CHANGE_REQUIRED:
    case ErrorCode.UNSUPPORTED_MEDIA:
    case ErrorCode.INTERNAL:
    case ErrorCode.PROTOCOL_MISMATCH:
      return err.message || 'Something went wrong. Please try again.';
  }
}
