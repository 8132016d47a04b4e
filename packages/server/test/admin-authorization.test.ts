import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoute, adminPath, requests } from '@segmentchat/protocol';
import type { SessionResult } from '@segmentchat/protocol';
import { adminRouteList } from '../src/admin-routes.ts';
import { registeredRoutes } from '../src/password-change-gate.ts';
import { adminSession, call } from './admin-test-kit.ts';
import { api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

// The list comes from the route table itself: a route added there is checked here, unasked.
const routes = adminRouteList();

describe('admin authorization', () => {
  let srv: TestServer;
  let admin: SessionResult;
  let user: SessionResult;
  let visitor: SessionResult;
  let params: Record<string, string>;

  beforeAll(async () => {
    srv = await startTestServer();
    admin = await adminSession(srv.url);
    user = await register(srv.url, 'plain');
    visitor = (await api<SessionResult>(srv.url, '/api/auth/visitor', {})).body;
    const general = (await srv.server.services.store.findPublicChannelByName('general'))!;
    // Real ids, so a refusal can only come from who is asking.
    params = { userId: user.user.id, channelId: general.id };
  });
  afterAll(async () => {
    await srv?.stop();
  });

  const url = (pattern: string) => adminPath(pattern, params);

  it('has a handler for every admin route of the protocol, all registered on the server', () => {
    expect(new Set(routes.map((r) => r.name))).toEqual(new Set(Object.keys(AdminRoute)));
    const onServer = registeredRoutes(srv.server.app).map((r) => `${r.method} ${r.url}`);
    for (const r of routes) expect(onServer).toContain(`${r.method} ${r.url}`);
    // And no /api/admin route exists outside the table.
    const table = new Set(routes.map((r) => `${r.method} ${r.url}`));
    expect(onServer.filter((r) => r.includes('/api/admin/') && !table.has(r))).toEqual([]);
  });

  it.each(routes.map((r) => [r.method, r.url] as const))(
    '%s %s: no session → 401',
    async (method, pattern) => {
      const r = await call(srv.url, method, url(pattern), {
        body: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(r.status).toBe(401);
      expect(r.body.error?.code).toBe('UNAUTHENTICATED');
    },
  );

  it.each(routes.map((r) => [r.method, r.url] as const))('%s %s: a user → 403', async (method, pattern) => {
    const r = await call(srv.url, method, url(pattern), {
      token: user.token,
      body: method === 'GET' || method === 'DELETE' ? undefined : { confirm: true, password: 'x' },
    });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('FORBIDDEN');
  });

  it.each(routes.map((r) => [r.method, r.url] as const))(
    '%s %s: a visitor → 403',
    async (method, pattern) => {
      const r = await call(srv.url, method, url(pattern), {
        token: visitor.token,
        body: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe('FORBIDDEN');
    },
  );

  it.each(routes.map((r) => [r.method, r.url] as const))(
    '%s %s: an admin cookie sent from a foreign page → 403',
    async (method, pattern) => {
      const r = await call(srv.url, method, url(pattern), {
        headers: { cookie: `sc_session=${admin.token}`, origin: 'https://evil.example' },
        body: method === 'GET' || method === 'DELETE' ? undefined : {},
      });
      expect(r.status).toBe(403);
    },
  );

  it('lets the admin in (so the refusals above are about who asks)', async () => {
    for (const r of routes.filter((x) => x.method === 'GET')) {
      const res = await call(srv.url, 'GET', url(r.url), { token: admin.token });
      expect(res.status, r.url).toBe(200);
    }
    const cookie = await call(srv.url, 'GET', AdminRoute.SERVER, {
      headers: { cookie: `sc_session=${admin.token}` },
    });
    expect(cookie.status).toBe(200);
  });

  it('a demoted admin is refused at once', async () => {
    const other = await register(srv.url, 'second');
    const promoted = await call(srv.url, 'POST', adminPath(AdminRoute.USER_ROLE, { userId: other.user.id }), {
      token: admin.token,
      body: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: other.token })).status).toBe(200);
    await call(srv.url, 'POST', adminPath(AdminRoute.USER_ROLE, { userId: other.user.id }), {
      token: admin.token,
      body: { role: 'user' },
    });
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: other.token })).status).toBe(403);
  });

  it('the WebSocket carries no admin requests (they would have to join this table first)', () => {
    expect(Object.keys(requests).filter((t) => /admin|server\./i.test(t))).toEqual([]);
  });
});
