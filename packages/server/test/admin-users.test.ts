import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoute, PROTOCOL_VERSION, adminPath } from '@segmentchat/protocol';
import type { AdminUser, AuditEntry, CreateUserResult, Page, SessionResult } from '@segmentchat/protocol';
import { adminSession, call, login } from './admin-test-kit.ts';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('admin: users', () => {
  let srv: TestServer;
  let admin: SessionResult;
  let general: string;
  const asAdmin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(srv.url, method, path, { token: admin.token, body });
  const audit = async () => (await asAdmin<Page<AuditEntry>>('GET', AdminRoute.AUDIT)).body.items;

  beforeAll(async () => {
    srv = await startTestServer();
    admin = await adminSession(srv.url);
    general = (await srv.server.services.store.findPublicChannelByName('general'))!.id;
  });
  afterAll(async () => {
    await srv?.stop();
  });

  async function say(c: TestClient, text: string): Promise<void> {
    await c.request('message.send', { channelId: general, clientMsgId: crypto.randomUUID(), text });
  }

  it('lists users with role, status, created date and message count; searches and pages', async () => {
    const names = ['zeta_one', 'zeta_two', 'zeta_three'];
    const sessions = [];
    for (const username of names) {
      const r = await api<SessionResult>(srv.url, '/api/auth/register', {
        username,
        password: 'correct horse battery',
      });
      sessions.push(r.body);
    }
    const online = await TestClient.connect(srv.url, sessions[0]!.token);
    await say(online, 'one');
    await say(online, 'two');
    const page1 = await asAdmin<Page<AdminUser>>('GET', `${AdminRoute.USERS}?q=ZETA&pageSize=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.total).toBe(3);
    expect(page1.body.items.map((u) => u.username)).toEqual(['zeta_one', 'zeta_three']);
    const page2 = await asAdmin<Page<AdminUser>>('GET', `${AdminRoute.USERS}?q=zeta&pageSize=2&page=2`);
    expect(page2.body.items.map((u) => u.username)).toEqual(['zeta_two']);
    const one = page1.body.items[0]!;
    expect(one).toMatchObject({ role: 'user', status: 'online', messageCount: 2, disabled: false });
    expect(one.createdAt).toBeGreaterThan(0);
    expect(page2.body.items[0]).toMatchObject({ status: 'offline', messageCount: 0 });
    // `%` and `_` are searched literally.
    expect((await asAdmin<Page<AdminUser>>('GET', `${AdminRoute.USERS}?q=%25`)).body.total).toBe(0);
    await online.close();
    // The server records last seen once it has seen the socket close, a moment later.
    let lastSeen: number | null = null;
    for (let i = 0; i < 50 && !lastSeen; i++) {
      const after = await asAdmin<Page<AdminUser>>('GET', `${AdminRoute.USERS}?q=zeta_one`);
      lastSeen = after.body.items[0]!.lastSeen;
      if (!lastSeen) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastSeen).toBeGreaterThan(0);
  });

  it('creates a user with a generated password that must be changed at first login', async () => {
    const r = await asAdmin<CreateUserResult>('POST', AdminRoute.USERS, { username: 'carol' });
    expect(r.status).toBe(200);
    expect(r.body.password).toMatch(/^[\w-]{17}$/);
    const s = await login(srv.url, 'carol', r.body.password!);
    expect(s.user.mustChangePassword).toBe(true);
    const taken = await asAdmin('POST', AdminRoute.USERS, {
      username: 'CAROL',
      password: 'another fine one',
    });
    expect(taken.body.error?.code).toBe('CONFLICT');
    const weak = await asAdmin('POST', AdminRoute.USERS, { username: 'dave', password: 'password1' });
    expect(weak.body.error?.code).toBe('WEAK_PASSWORD');
    expect((await audit())[0]).toMatchObject({ action: 'user.create', target: '@carol', actorName: 'admin' });
  });

  it('disabling a user revokes its sessions and closes its open sockets at once (session.ended, 4001)', async () => {
    const bob = await register(srv.url, 'bob');
    const c1 = await TestClient.connect(srv.url, bob.token);
    const c2 = await TestClient.connect(srv.url, bob.token);
    const r = await asAdmin<{ user: AdminUser }>(
      'POST',
      adminPath(AdminRoute.USER_DISABLE, { userId: bob.user.id }),
    );
    expect(r.body.user.disabled).toBe(true);
    for (const c of [c1, c2]) {
      const closed = await c.closed;
      expect(closed.code).toBe(4001);
      expect(c.events.find((e) => e.type === 'session.ended')).toMatchObject({
        reason: expect.stringMatching(/disabled/),
      });
    }
    expect(
      (await api(srv.url, '/api/auth/me', undefined, { authorization: `Bearer ${bob.token}` })).status,
    ).toBe(401);
    const again = await TestClient.open(srv.url);
    await expect(
      again.request('hello', { protocol: PROTOCOL_VERSION, token: bob.token }),
    ).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const entry = (await audit())[0]!;
    expect(entry).toMatchObject({ action: 'user.disable', target: `@${bob.user.username}`, ip: '127.0.0.1' });
    expect(entry.at).toBeGreaterThan(0);

    await asAdmin('POST', adminPath(AdminRoute.USER_ENABLE, { userId: bob.user.id }));
    const listed = await asAdmin<Page<AdminUser>>('GET', `${AdminRoute.USERS}?q=${bob.user.username}`);
    expect(listed.body.items[0]!.disabled).toBe(false);
    expect((await audit())[0]).toMatchObject({ action: 'user.enable' });
  });

  it('deleting a user keeps its messages, shown under "deleted user", also through sync', async () => {
    const eve = await register(srv.url, 'eve');
    const watcher = await register(srv.url, 'watch');
    const c = await TestClient.connect(srv.url, eve.token);
    const w = await TestClient.connect(srv.url, watcher.token);
    await say(c, 'I was here');
    const before = await w.request('message.history', { channelId: general });
    const mine = before.messages.find((m) => m.text === 'I was here')!;
    const r = await asAdmin('DELETE', adminPath(AdminRoute.USER, { userId: eve.user.id }));
    expect(r.status).toBe(200);
    expect((await c.closed).code).toBe(4001);
    const after = await w.request('message.history', { channelId: general });
    const kept = after.messages.find((m) => m.id === mine.id)!;
    expect(kept).toMatchObject({ text: 'I was here', authorId: null, authorName: 'deleted user' });
    expect(kept.rev).toBeGreaterThan(mine.rev);
    const synced = await w.request('sync', { cursors: { [general]: mine.rev } });
    expect(synced.changes.find((m) => m.id === mine.id)).toMatchObject({ authorName: 'deleted user' });
    await w.waitEvent((e) => e.type === 'member.left' && e.userId === eve.user.id);
    await w.waitEvent(
      (e) =>
        e.type === 'message.updated' && e.message.id === mine.id && e.message.authorName === 'deleted user',
    );
    expect(await srv.server.services.store.findUserById(eve.user.id)).toBeUndefined();
    expect((await audit())[0]).toMatchObject({
      action: 'user.delete',
      detail: '1 messages kept as deleted user',
    });
    await w.close();
  });

  it('makes and removes admins, but never the last one or oneself', async () => {
    const frank = await register(srv.url, 'frank');
    const up = await asAdmin<{ user: AdminUser }>(
      'POST',
      adminPath(AdminRoute.USER_ROLE, { userId: frank.user.id }),
      {
        role: 'admin',
      },
    );
    expect(up.body.user.role).toBe('admin');
    const self = await asAdmin('POST', adminPath(AdminRoute.USER_ROLE, { userId: admin.user.id }), {
      role: 'user',
    });
    expect(self.body.error?.code).toBe('FORBIDDEN');
    const selfDelete = await asAdmin('DELETE', adminPath(AdminRoute.USER, { userId: admin.user.id }));
    expect(selfDelete.body.error?.code).toBe('FORBIDDEN');
    const c = await TestClient.connect(srv.url, frank.token);
    // As an admin, frank may act; demoted, he may not, and his sockets (which carried the
    // admin role) are closed.
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: frank.token })).status).toBe(200);
    await asAdmin('POST', adminPath(AdminRoute.USER_ROLE, { userId: frank.user.id }), { role: 'user' });
    expect((await c.closed).code).toBe(4001);
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: frank.token })).status).toBe(403);
    expect((await audit()).slice(0, 2).map((e) => e.detail)).toEqual(['admin → user', 'user → admin']);
  });

  it('resets a password: sockets closed, old password gone, the new one must be changed', async () => {
    const gina = await register(srv.url, 'gina');
    const c = await TestClient.connect(srv.url, gina.token);
    const r = await asAdmin<{ password: string }>(
      'POST',
      adminPath(AdminRoute.USER_PASSWORD, { userId: gina.user.id }),
      {},
    );
    expect(r.status).toBe(200);
    expect((await c.closed).code).toBe(4001);
    const s = await login(srv.url, gina.user.username, r.body.password);
    expect(s.user.mustChangePassword).toBe(true);
    const locked = await TestClient.connect(srv.url, s.token);
    await expect(locked.request('channel.list', {})).rejects.toMatchObject({
      code: 'PASSWORD_CHANGE_REQUIRED',
    });
    await locked.close();
    const given = await asAdmin('POST', adminPath(AdminRoute.USER_PASSWORD, { userId: gina.user.id }), {
      password: 'chosen by the admin',
    });
    expect(given.body).toMatchObject({ user: { mustChangePassword: true } });
    expect(given.body).not.toHaveProperty('password');
    expect((await audit())[0]).toMatchObject({ action: 'user.password', detail: 'set by admin' });
  });
});
