import type { ErrorBody, SessionResult } from '@segmentchat/protocol';
import { api } from './test-client.ts';

/** The admin's password after the first-login change, in every admin test. */
export const ADMIN_PASSWORD = 'a long root passphrase';

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: ErrorBody };
}

/** One JSON request with any method, as a bearer token (or with the headers given). */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Reply<T>['body'] };
}

export async function login(baseUrl: string, username: string, password: string): Promise<SessionResult> {
  const r = await api<SessionResult>(baseUrl, '/api/auth/login', { username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Signs in as the first-start `admin`, sets ADMIN_PASSWORD, and answers the unlocked session. */
export async function adminSession(baseUrl: string): Promise<SessionResult> {
  const first = await login(baseUrl, 'admin', 'admin');
  const r = await api(
    baseUrl,
    '/api/auth/password',
    { currentPassword: 'admin', newPassword: ADMIN_PASSWORD },
    { authorization: `Bearer ${first.token}` },
  );
  if (r.status !== 200) throw new Error(`password change failed: ${JSON.stringify(r.body)}`);
  return { ...first, user: { ...first.user, mustChangePassword: false } };
}
