import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ChangePassword, ChatError, Credentials, HttpRoute, SESSION_COOKIE } from '@segmentchat/protocol';
import type { MeResult, SessionResult } from '@segmentchat/protocol';
import type { Principal } from './account-service.ts';
import { publicUser } from './account-service.ts';
import { clientIp, originAllowed } from './request-origin.ts';
import type { Services } from './services.ts';

function parse<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw ChatError.invalid(`${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7).trim() : undefined;
}

/** Register, login, visitor, logout, password change and "who am I", over HTTP. */
export function registerAuthRoutes(app: FastifyInstance, services: Services): void {
  const { accounts, config, bus } = services;
  const ip = (req: FastifyRequest) => clientIp(req.raw, config.trustProxy);

  /**
   * The caller's session: a bearer token (SDK) or the cookie (browser). A cookie request from a
   * foreign page is refused, so another site cannot act in the user's name.
   */
  async function principal(req: FastifyRequest): Promise<Principal> {
    const token = bearer(req);
    if (token !== undefined) return accounts.authenticate(token);
    if (!originAllowed(req.raw, config.allowedOrigins))
      throw ChatError.forbidden('Cross-site request refused');
    return accounts.authenticate(req.cookies[SESSION_COOKIE]);
  }

  function startSession(reply: FastifyReply, s: SessionResult): SessionResult {
    void reply.setCookie(SESSION_COOKIE, s.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      expires: new Date(s.expiresAt),
    });
    return s;
  }

  app.post(HttpRoute.REGISTER, async (req, reply) => {
    const { username, password } = parse(Credentials, req.body);
    // Registering as a visitor turns that visitor into the account, keeping what it wrote.
    const visitor = await principal(req).catch(() => undefined);
    const s = await accounts.register(username, password, ip(req), visitor);
    if (visitor?.user.role === 'visitor') {
      bus.publish({
        kind: 'disconnect',
        userId: visitor.user.id,
        onlyToken: visitor.tokenHash,
        reason: 'Signed in as an account',
      });
    }
    return startSession(reply, s);
  });

  app.post(HttpRoute.LOGIN, async (req, reply) => {
    const { username, password } = parse(Credentials, req.body);
    return startSession(reply, await accounts.login(username, password, ip(req)));
  });

  app.post(HttpRoute.VISITOR, async (req, reply) => startSession(reply, await accounts.visitor(ip(req))));

  app.post(HttpRoute.LOGOUT, async (req, reply) => {
    const p = await principal(req);
    await accounts.logout(p);
    bus.publish({ kind: 'disconnect', userId: p.user.id, onlyToken: p.tokenHash, reason: 'Signed out' });
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return {};
  });

  app.post(HttpRoute.PASSWORD, async (req) => {
    const body = parse(ChangePassword, req.body);
    const p = await principal(req);
    await accounts.changePassword(p, body.currentPassword, body.newPassword);
    // Other sessions are signed out. Sockets of this session opened while the password had to
    // change hold a locked session; they are closed too and reconnect unlocked.
    const keep = p.user.mustChangePassword ? {} : { exceptToken: p.tokenHash };
    bus.publish({ kind: 'disconnect', userId: p.user.id, reason: 'Password changed', ...keep });
    return {};
  });

  app.get(HttpRoute.ME, async (req): Promise<MeResult> => ({
    user: publicUser((await principal(req)).user),
  }));
}
