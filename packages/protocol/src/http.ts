import { z } from 'zod';
import { Limits } from './limits.ts';
import { User } from './entities.ts';

/** Bodies and results of the HTTP API (`/api/...`). Errors are `{ error: ErrorBody }`. */
export const Credentials = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(Limits.PASSWORD_MAX),
});
export type Credentials = z.infer<typeof Credentials>;

export const ChangePassword = z.object({
  currentPassword: z.string().max(Limits.PASSWORD_MAX),
  newPassword: z.string().max(Limits.PASSWORD_MAX),
});
export type ChangePassword = z.infer<typeof ChangePassword>;

/** Returned by register, login and visitor. `token` is for SDK clients; browsers use the cookie. */
export const SessionResult = z.object({ user: User, token: z.string(), expiresAt: z.number().int() });
export type SessionResult = z.infer<typeof SessionResult>;

/** The name of the httpOnly session cookie. */
export const SESSION_COOKIE = 'sc_session';

/**
 * HTTP routes. Auth routes take JSON bodies, answer `SessionResult` (or `{}` for logout and
 * password), set the session cookie for browsers, and accept the cookie or
 * `Authorization: Bearer <token>`. Registering while signed in as a visitor turns that visitor
 * into the new account, keeping what it wrote.
 */
export const HttpRoute = {
  REGISTER: '/api/auth/register',
  LOGIN: '/api/auth/login',
  VISITOR: '/api/auth/visitor',
  LOGOUT: '/api/auth/logout',
  PASSWORD: '/api/auth/password',
  /** GET: `{ user }` for the current session. */
  ME: '/api/auth/me',
  HEALTH: '/healthz',
  METRICS: '/metrics',
  /** The WebSocket endpoint. */
  WS: '/ws',
} as const;

export const MeResult = z.object({ user: User });
export type MeResult = z.infer<typeof MeResult>;
