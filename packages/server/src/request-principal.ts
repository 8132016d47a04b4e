import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { ChatError, SESSION_COOKIE } from '@segmentchat/protocol';
import type { Principal } from './account-service.ts';
import { originAllowed } from './request-origin.ts';
import type { Services } from './services.ts';

/**
 * The caller of an HTTP route: a bearer token (SDK) or the session cookie (browser). A cookie
 * request from a foreign page is refused, so another site cannot act in the user's name. (The
 * same rule as the auth routes, for routes registered outside them.)
 */
export async function requestPrincipal(
  req: FastifyRequest,
  services: Pick<Services, 'accounts' | 'config'>,
): Promise<Principal> {
  const h = req.headers.authorization;
  if (h?.startsWith('Bearer ')) return services.accounts.authenticate(h.slice(7).trim());
  if (!originAllowed(req.raw, services.config.allowedOrigins))
    throw ChatError.forbidden('Cross-site request refused');
  return services.accounts.authenticate(req.cookies[SESSION_COOKIE]);
}
