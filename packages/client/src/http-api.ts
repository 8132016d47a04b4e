import { ChatError, ErrorCode, HttpRoute } from '@segmentchat/protocol';
import type { ChangePassword, Credentials, ErrorBody, MeResult, SessionResult } from '@segmentchat/protocol';

export interface HttpOptions {
  /** Bearer token (Node, bots). Browsers send the session cookie instead. */
  token?: string;
  /** Defaults to globalThis.fetch. */
  fetch?: typeof fetch;
}

/**
 * Calls one JSON route. Browsers include the cookie (`credentials: 'include'`); the server's
 * `{ error }` body becomes a ChatError with its code; no answer at all becomes UNAVAILABLE so
 * the UI can say "cannot reach the server" rather than "wrong password".
 */
async function call<T>(
  baseUrl: string,
  route: string,
  method: 'GET' | 'POST',
  body?: unknown,
  options: HttpOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const init: RequestInit = { method, headers, credentials: 'include' };
  if (body !== undefined) init.body = JSON.stringify(body);
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(new URL(route, baseUrl), init);
  } catch (error) {
    throw new ChatError(ErrorCode.UNAVAILABLE, `Cannot reach the server (${(error as Error).message})`);
  }
  let data: unknown = undefined;
  const text = await response.text().catch(() => '');
  if (text !== '') {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!response.ok) {
    const error = (data as { error?: ErrorBody } | undefined)?.error;
    if (error && typeof error.code === 'string') throw ChatError.fromBody(error);
    const retryAfter = Number(response.headers.get('retry-after'));
    const code =
      response.status === 429
        ? ErrorCode.RATE_LIMITED
        : response.status === 401
          ? ErrorCode.UNAUTHENTICATED
          : response.status >= 500
            ? ErrorCode.UNAVAILABLE
            : ErrorCode.INVALID;
    throw new ChatError(
      code,
      `HTTP ${response.status}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
  return (data ?? {}) as T;
}

export const api = {
  register: (baseUrl: string, body: Credentials, options?: HttpOptions) =>
    call<SessionResult>(baseUrl, HttpRoute.REGISTER, 'POST', body, options),
  login: (baseUrl: string, body: Credentials, options?: HttpOptions) =>
    call<SessionResult>(baseUrl, HttpRoute.LOGIN, 'POST', body, options),
  visitor: (baseUrl: string, options?: HttpOptions) =>
    call<SessionResult>(baseUrl, HttpRoute.VISITOR, 'POST', {}, options),
  logout: (baseUrl: string, options?: HttpOptions) =>
    call<object>(baseUrl, HttpRoute.LOGOUT, 'POST', {}, options),
  me: (baseUrl: string, options?: HttpOptions) =>
    call<MeResult>(baseUrl, HttpRoute.ME, 'GET', undefined, options),
  changePassword: (baseUrl: string, body: ChangePassword, options?: HttpOptions) =>
    call<object>(baseUrl, HttpRoute.PASSWORD, 'POST', body, options),
};
