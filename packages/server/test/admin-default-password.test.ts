import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoute, PROTOCOL_VERSION, adminPath } from '@segmentchat/protocol';
import type { RequestParams, RequestType, SessionResult } from '@segmentchat/protocol';
import { PASSWORD_CHANGE_ALLOWED, registeredRoutes } from '../src/password-change-gate.ts';
import { SqliteStore } from '../src/sqlite-store.ts';
import { ADMIN_PASSWORD, adminSession, call, login } from './admin-test-kit.ts';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const ID = 'AAAAAAAAAAAAAAAA';
const UUID = '00000000-0000-4000-8000-000000000000';

/** A valid request of every type (but hello and ping): a forgotten type is a compile error. */
const validRequests: { [T in Exclude<RequestType, 'hello' | 'ping'>]: RequestParams<T> } = {
  'channel.list': {},
  'channel.create': { name: 'locked-out' },
  'channel.join': { channelId: ID },
  'channel.leave': { channelId: ID },
  'channel.invite': { channelId: ID },
  'channel.members': { channelId: ID },
  'channel.markRead': { channelId: ID, seq: 1 },
  'dm.open': { userId: ID },
  'message.send': { channelId: ID, clientMsgId: UUID, text: 'hi' },
  'message.edit': { messageId: ID, text: 'hi' },
  'message.delete': { messageId: ID },
  'message.history': { channelId: ID },
  sync: { cursors: {} },
  typing: { channelId: ID },
  'presence.set': { status: 'away' },
  'presence.watch': { userIds: [ID] },
  signal: { to: ID, topic: 'dm:x', payload: { kind: 'bye', data: null } },
  'host.relay': { channelId: ID, messages: [{ authorId: ID, clientMsgId: UUID, text: 'x', sig: 'x' }] },
  'host.status': { channelId: ID, linked: 0 },
  'stream.start': { channelId: ID },
  'stream.stop': { streamId: ID },
  'stream.join': { streamId: ID },
  'stream.leave': { streamId: ID },
  'stream.list': {},
  'stream.relay': { streamId: ID, payload: { kind: 'bye', data: null } },
};

describe('the default admin password', () => {
  let srv: TestServer;
  let locked: SessionResult;

  beforeAll(async () => {
    srv = await startTestServer();
    locked = await login(srv.url, 'admin', 'admin');
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('is created as admin/admin, an admin who must change the password', () => {
    expect(locked.user).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true });
  });

  it('refuses every other HTTP route of the server with PASSWORD_CHANGE_REQUIRED', async () => {
    const routes = registeredRoutes(srv.server.app).filter(
      (r) => r.url.startsWith('/api/') && !PASSWORD_CHANGE_ALLOWED.has(r.url),
    );
    expect(routes.length).toBeGreaterThanOrEqual(16);
    for (const r of routes) {
      const path = r.url.replace(/:[A-Za-z]+/g, ID);
      const res = await call(srv.url, r.method, path, {
        token: locked.token,
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : {},
      });
      expect([r.method, r.url, res.status, res.body.error?.code]).toEqual([
        r.method,
        r.url,
        403,
        'PASSWORD_CHANGE_REQUIRED',
      ]);
    }
    // Also with the browser's cookie.
    const cookie = await call(srv.url, 'GET', AdminRoute.USERS, {
      headers: { cookie: `sc_session=${locked.token}` },
    });
    expect(cookie.body.error?.code).toBe('PASSWORD_CHANGE_REQUIRED');
    // What it may do: see who it is.
    const me = await api(srv.url, '/api/auth/me', undefined, { authorization: `Bearer ${locked.token}` });
    expect(me.status).toBe(200);
  });

  it('refuses every WebSocket request but ping with PASSWORD_CHANGE_REQUIRED', async () => {
    // Nor does hello's first page of sync show it anything, though the admin is in #general.
    const other = await TestClient.connect(srv.url, (await register(srv.url, 'poster')).token);
    const general = other.hello!.channels.find((ch) => ch.name === 'general')!;
    await other.request('message.send', { channelId: general.id, clientMsgId: UUID, text: 'hi' });
    await other.close();
    const c = await TestClient.open(srv.url);
    c.hello = await c.request('hello', {
      protocol: PROTOCOL_VERSION,
      token: locked.token,
      sync: { cursors: { [general.id]: 0 } },
    });
    expect(c.hello.channels).toEqual([]);
    expect(c.hello.sync).toEqual({ changes: [], cursors: {}, hasMore: false });
    for (const [type, params] of Object.entries(validRequests)) {
      const r = await c.rawRequest({ type, ...params });
      expect([type, r.error?.code]).toEqual([type, 'PASSWORD_CHANGE_REQUIRED']);
    }
    expect((await c.request('ping', {})).serverTime).toBeGreaterThan(0);
    await c.close();
  });

  it('cannot become `admin` again, in any case, nor stay the same', async () => {
    const auth = { authorization: `Bearer ${locked.token}` };
    for (const newPassword of ['admin', 'ADMIN', 'admin!!!!', 'adminadmin']) {
      const r = await api(srv.url, '/api/auth/password', { currentPassword: 'admin', newPassword }, auth);
      expect([newPassword, r.body.error?.code]).toEqual([newPassword, 'WEAK_PASSWORD']);
    }
    const ok = await api(
      srv.url,
      '/api/auth/password',
      { currentPassword: 'admin', newPassword: ADMIN_PASSWORD },
      auth,
    );
    expect(ok.status).toBe(200);
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: locked.token })).status).toBe(200);
  });
});

describe('the first admin', () => {
  it('takes its password from SEGMENTCHAT_ADMIN_PASSWORD (adminPassword) and need not change a strong one', async () => {
    const strong = await startTestServer({ admin: { adminPassword: 'chosen by the operator' } });
    const s = await login(strong.url, 'admin', 'chosen by the operator');
    expect(s.user.mustChangePassword).toBe(false);
    await strong.stop();
    const weak = await startTestServer({ admin: { adminPassword: 'secret' } });
    expect((await login(weak.url, 'admin', 'secret')).user.mustChangePassword).toBe(true);
    await weak.stop();
  });

  it('is never recreated after it was renamed or deleted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-admin-'));
    try {
      // Renamed (on the database, as an operator could): a restart does not bring `admin` back.
      let srv = await startTestServer({ dataDir });
      const admin = await adminSession(srv.url);
      await srv.stop();
      const store = new SqliteStore(join(dataDir, 'segment_chat.db'));
      store.database
        .prepare(`UPDATE users SET username = 'root', username_key = 'root', skeleton = 'root' WHERE id = ?`)
        .run(admin.user.id);
      await store.close();
      srv = await startTestServer({ dataDir });
      expect(await srv.server.services.store.findUserByKey('admin')).toBeUndefined();
      const root = await login(srv.url, 'root', ADMIN_PASSWORD);
      expect(root.user.role).toBe('admin');

      // Deleted by another admin: not recreated either.
      const other = await register(srv.url, 'successor');
      await call(srv.url, 'POST', adminPath(AdminRoute.USER_ROLE, { userId: other.user.id }), {
        token: root.token,
        body: { role: 'admin' },
      });
      const del = await call(srv.url, 'DELETE', adminPath(AdminRoute.USER, { userId: root.user.id }), {
        token: other.token,
      });
      expect(del.status).toBe(200);
      await srv.stop();
      srv = await startTestServer({ dataDir });
      const { store: s2 } = srv.server.services;
      expect(await s2.findUserByKey('admin')).toBeUndefined();
      expect(await s2.findUserByKey('root')).toBeUndefined();
      expect((await api(srv.url, '/api/auth/login', { username: 'admin', password: 'admin' })).status).toBe(
        401,
      );
      await srv.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
