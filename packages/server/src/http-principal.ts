import type { FastifyRequest } from 'fastify';
import { ChatError, ErrorCode, SESSION_COOKIE } from '@segmentchat/protocol';
import type { Principal } from './account-service.ts';
import { cookieValue, originAllowed } from './request-origin.ts';
import type { Services } from './services.ts';

/** The session token of an HTTP request: a bearer token (SDK) or the cookie (browser). */
export function requestToken(req: FastifyRequest): { token: string | undefined; fromCookie: boolean } {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return { token: h.slice(7).trim(), fromCookie: false };
  return { token: cookieValue(req.headers.cookie, SESSION_COOKIE), fromCookie: true };
}

/**
 * Who made an HTTP request, or UNAUTHENTICATED. A cookie request from a foreign page is refused,
 * so another site cannot act in the user's name.
 */
export async function httpPrincipal(req: FastifyRequest, services: Services): Promise<Principal> {
  const { token, fromCookie } = requestToken(req);
  if (fromCookie && token !== undefined && !originAllowed(req.raw, services.config.allowedOrigins))
    throw ChatError.forbidden('Cross-site request refused');
  return services.accounts.authenticate(token);
}

/** The principal of an admin whose password is in order; 401 / 403 otherwise. */
export async function requireAdmin(req: FastifyRequest, services: Services): Promise<Principal> {
  const p = await httpPrincipal(req, services);
  if (p.user.mustChangePassword)
    throw new ChatError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first');
  if (p.user.role !== 'admin') throw ChatError.forbidden('Administrators only');
  return p;
}
