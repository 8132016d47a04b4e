import type { FastifyInstance } from 'fastify';
import { ChatError, ErrorCode, HttpRoute } from '@segmentchat/protocol';
import { requestToken } from './http-principal.ts';
import type { Services } from './services.ts';

/**
 * What an account that must change its password (the first-start `admin`, or after an admin's
 * reset) may still call over HTTP: read who it is, set the password, sign out, or sign in anew.
 */
export const PASSWORD_CHANGE_ALLOWED: ReadonlySet<string> = new Set([
  HttpRoute.ME,
  HttpRoute.PASSWORD,
  HttpRoute.LOGOUT,
  HttpRoute.LOGIN,
  HttpRoute.REGISTER,
  HttpRoute.VISITOR,
]);

const registered = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Every route registered after the gate (all of the API), so a test can walk each one. */
export function registeredRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return registered.get(app) ?? [];
}

/**
 * Refuses every other `/api/` request of such a session with PASSWORD_CHANGE_REQUIRED, on the
 * server, for routes of every feature (registered before them, so it covers routes added later).
 * WebSocket requests get the same answer from the gateway.
 */
export function registerPasswordChangeGate(app: FastifyInstance, services: Services): void {
  const routes: { method: string; url: string }[] = [];
  registered.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.addHook('onRequest', async (req) => {
    const path = req.url.split('?', 1)[0]!;
    if (!path.startsWith('/api/') || PASSWORD_CHANGE_ALLOWED.has(path)) return;
    const { token } = requestToken(req);
    if (token === undefined) return;
    // An invalid session is the route's to answer (401), as without this gate.
    const principal = await services.accounts.authenticate(token).catch(() => undefined);
    if (principal?.user.mustChangePassword)
      throw new ChatError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first');
  });
}
