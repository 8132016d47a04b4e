import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AdminRoute } from '@segmentchat/protocol';
import type { ServerStats, SessionResult } from '@segmentchat/protocol';
import { SqliteAdminStore } from '../src/sqlite-admin-store.ts';
import { SqliteStore } from '../src/sqlite-store.ts';
import { ADMIN_PASSWORD, adminSession, call } from './admin-test-kit.ts';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('admin: the server itself', () => {
  let srv: TestServer | undefined;
  afterEach(async () => {
    await srv?.stop();
    srv = undefined;
  });

  /** A server whose exit is recorded instead of ending the test process. */
  async function serverWithExit(supervised: boolean) {
    let exited!: (code: number) => void;
    const exit = new Promise<number>((resolve) => (exited = resolve));
    srv = await startTestServer({ admin: { supervised, exit: (code) => exited(code) } });
    const admin = await adminSession(srv.url);
    return { srv, admin, exit };
  }

  const post = (s: TestServer, a: SessionResult, path: string, body: unknown) =>
    call(s.url, 'POST', path, { token: a.token, body });

  it('shows live figures: connections, users online, messages per minute, uptime, database size, memory', async () => {
    const { srv: s, admin } = await serverWithExit(false);
    const u = await register(s.url, 'talker');
    const c1 = await TestClient.connect(s.url, u.token);
    const c2 = await TestClient.connect(s.url, u.token);
    const general = c1.hello!.channels.find((c) => c.name === 'general')!.id;
    for (const text of ['a', 'b', 'c'])
      await c1.request('message.send', { channelId: general, clientMsgId: crypto.randomUUID(), text });
    const r = await call<ServerStats>(s.url, 'GET', AdminRoute.SERVER, { token: admin.token });
    expect(r.body).toMatchObject({ connections: 2, usersOnline: 1, messagesPerMinute: 3, supervised: false });
    expect(r.body.uptimeMs).toBeGreaterThanOrEqual(0);
    expect(r.body.databaseBytes).toBeGreaterThan(0);
    expect(r.body.memory.rssBytes).toBeGreaterThan(r.body.memory.heapUsedBytes);
    await c1.close();
    await c2.close();
  });

  it('refuses a restart without the supervisor, with a clear error, and keeps running', async () => {
    const { srv: s, admin } = await serverWithExit(false);
    const r = await post(s, admin, AdminRoute.SERVER_RESTART, { confirm: true, password: ADMIN_PASSWORD });
    expect(r.status).toBe(409);
    expect(r.body.error?.message).toMatch(/npm start/);
    expect((await call(s.url, 'GET', AdminRoute.SERVER, { token: admin.token })).status).toBe(200);
  });

  it('restart needs the confirmation and the password, then closes sockets with 4012 and exits 75', async () => {
    const { srv: s, admin, exit } = await serverWithExit(true);
    const u = await register(s.url, 'stayer');
    const c = await TestClient.connect(s.url, u.token);
    const unconfirmed = await post(s, admin, AdminRoute.SERVER_RESTART, { password: ADMIN_PASSWORD });
    expect(unconfirmed.body.error?.code).toBe('INVALID');
    const wrong = await post(s, admin, AdminRoute.SERVER_RESTART, {
      confirm: true,
      password: 'not my password',
    });
    expect(wrong.body.error?.code).toBe('BAD_CREDENTIALS');
    expect(c.events.some((e) => e.type === 'server.shutdown')).toBe(false);

    const ok = await post(s, admin, AdminRoute.SERVER_RESTART, { confirm: true, password: ADMIN_PASSWORD });
    expect(ok).toMatchObject({ status: 200, body: { action: 'restart' } });
    expect((await c.closed).code).toBe(4012);
    expect(c.events.find((e) => e.type === 'server.shutdown')).toMatchObject({ restart: true });
    expect(await exit).toBe(75);

    const store = new SqliteStore(join(s.dataDir, 'segment_chat.db'));
    const audit = await new SqliteAdminStore(store.database).listAudit(0, 5);
    expect(audit.rows[0]).toMatchObject({ action: 'server.restart', actorName: 'admin', ip: '127.0.0.1' });
    await store.close();
  });

  it('stop drains: sockets closed with 1001, exit code 0', async () => {
    const { srv: s, admin, exit } = await serverWithExit(true);
    const u = await register(s.url, 'leaver');
    const c = await TestClient.connect(s.url, u.token);
    const ok = await post(s, admin, AdminRoute.SERVER_STOP, { confirm: true, password: ADMIN_PASSWORD });
    expect(ok.status).toBe(200);
    expect((await c.closed).code).toBe(1001);
    expect(c.events.find((e) => e.type === 'server.shutdown')).toMatchObject({ restart: false });
    expect(await exit).toBe(0);
  });
});
