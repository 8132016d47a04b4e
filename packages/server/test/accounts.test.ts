import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@segmentchat/protocol';
import type { SessionResult } from '@segmentchat/protocol';
import { TestClient, api } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const PASSWORD = 'a perfectly fine passphrase';

describe('accounts', () => {
  let srv: TestServer;
  let alice: SessionResult;

  beforeAll(async () => {
    srv = await startTestServer();
    const r = await api<SessionResult>(srv.url, '/api/auth/register', {
      username: 'Alice',
      password: PASSWORD,
    });
    expect(r.status).toBe(200);
    alice = r.body;
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it.each([
    ['too short', 'al', 'INVALID'],
    ['a space', 'al ice', 'INVALID'],
    ['Cyrillic look-alike', 'Аlice', 'INVALID'],
    ['another case', 'aLICE', 'CONFLICT'],
    ['full-width letters (NFKC)', 'ａｌｉｃｅ', 'CONFLICT'],
    ['digit look-alike', 'A1ice', 'CONFLICT'],
    ['reserved visitor prefix', 'visitor-1234', 'INVALID'],
  ])('refuses a username with %s', async (_what, username, code) => {
    const r = await api(srv.url, '/api/auth/register', { username, password: PASSWORD });
    expect(r.body.error?.code).toBe(code);
  });

  it.each([
    ['too short', 'short'],
    ['very common', 'password123'],
    ['common with a suffix', 'iloveyou!!'],
    ['containing the username', 'robert-the-robert'],
  ])('refuses a password that is %s', async (_what, password) => {
    const r = await api(srv.url, '/api/auth/register', { username: 'robert', password });
    expect(r.body.error?.code).toBe('WEAK_PASSWORD');
  });

  it('stores passwords as argon2id and session tokens only as hashes', async () => {
    const { store } = srv.server.services;
    const row = await store.findUserByKey('alice');
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await store.findSession(alice.token)).toBeUndefined();
    const hash = createHash('sha256').update(alice.token).digest('hex');
    expect((await store.findSession(hash))?.userId).toBe(alice.user.id);
  });

  it('logs in case-insensitively, sets an httpOnly SameSite cookie, and refuses a wrong password', async () => {
    const bad = await api(srv.url, '/api/auth/login', { username: 'alice', password: 'wrong password!' });
    expect(bad.status).toBe(401);
    expect(bad.body.error?.code).toBe('BAD_CREDENTIALS');
    const nobody = await api(srv.url, '/api/auth/login', { username: 'nobody-here', password: PASSWORD });
    expect(nobody.body.error).toEqual(bad.body.error);
    const ok = await api<SessionResult>(srv.url, '/api/auth/login', {
      username: 'ALICE',
      password: PASSWORD,
    });
    expect(ok.body.user.id).toBe(alice.user.id);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^sc_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await api(srv.url, '/api/auth/me', undefined, { cookie: cookie.split(';')[0]! });
    expect(me.body).toMatchObject({ user: { id: alice.user.id } });
  });

  it('logout revokes the session: its sockets are told and closed, its token stops working', async () => {
    const s = (
      await api<SessionResult>(srv.url, '/api/auth/login', { username: 'alice', password: PASSWORD })
    ).body;
    const c = await TestClient.connect(srv.url, s.token);
    const other = await TestClient.connect(srv.url, alice.token);
    const out = await api(srv.url, '/api/auth/logout', {}, { authorization: `Bearer ${s.token}` });
    expect(out.status).toBe(200);
    expect((await c.closed).code).toBe(4001);
    expect(c.events.some((e) => e.type === 'session.ended')).toBe(true);
    expect(
      (await api(srv.url, '/api/auth/me', undefined, { authorization: `Bearer ${s.token}` })).status,
    ).toBe(401);
    // Another session of the same account is untouched.
    expect((await other.request('ping', {})).serverTime).toBeGreaterThan(0);
    await other.close();
  });

  it('refuses a cookie-authenticated POST from a foreign page', async () => {
    const r = await api(
      srv.url,
      '/api/auth/logout',
      {},
      { cookie: `sc_session=${alice.token}`, origin: 'https://evil.example' },
    );
    expect(r.status).toBe(403);
    expect(
      (await api(srv.url, '/api/auth/me', undefined, { authorization: `Bearer ${alice.token}` })).status,
    ).toBe(200);
  });

  it('makes admin/admin change its password before anything else', async () => {
    const login = await api<SessionResult>(srv.url, '/api/auth/login', {
      username: 'admin',
      password: 'admin',
    });
    expect(login.body.user).toMatchObject({ role: 'admin', mustChangePassword: true });
    const c = await TestClient.connect(srv.url, login.body.token);
    expect(c.hello!.channels).toEqual([]);
    await expect(c.request('channel.list', {})).rejects.toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    const auth = { authorization: `Bearer ${login.body.token}` };
    const weak = await api(
      srv.url,
      '/api/auth/password',
      { currentPassword: 'admin', newPassword: 'password1' },
      auth,
    );
    expect(weak.body.error?.code).toBe('WEAK_PASSWORD');
    const changed = await api(
      srv.url,
      '/api/auth/password',
      { currentPassword: 'admin', newPassword: 'a brand new passphrase' },
      auth,
    );
    expect(changed.status).toBe(200);
    await c.closed;
    const again = await TestClient.connect(srv.url, login.body.token);
    expect(again.hello!.user.mustChangePassword).toBe(false);
    expect((await again.request('channel.list', {})).channels.length).toBeGreaterThan(0);
    await again.close();
    expect((await api(srv.url, '/api/auth/login', { username: 'admin', password: 'admin' })).status).toBe(
      401,
    );
  });
});

describe('login and register rate limits', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      limits: { login: { burst: 3, perSecond: 0.01 }, register: { burst: 2, perSecond: 0.01 } },
    });
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('limits login attempts per account and per IP with 429 and Retry-After', async () => {
    const tries = [];
    for (let i = 0; i < 4; i++)
      tries.push(await api(srv.url, '/api/auth/login', { username: 'admin', password: `guess ${i}` }));
    expect(tries.slice(0, 3).map((t) => t.status)).toEqual([401, 401, 401]);
    expect(tries[3]!.status).toBe(429);
    expect(tries[3]!.body.error?.code).toBe('RATE_LIMITED');
    expect(Number(tries[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits registrations and visitor sessions per IP', async () => {
    expect((await api(srv.url, '/api/auth/visitor', {})).status).toBe(200);
    expect(
      (await api(srv.url, '/api/auth/register', { username: 'someone', password: PASSWORD })).status,
    ).toBe(200);
    expect((await api(srv.url, '/api/auth/visitor', {})).status).toBe(429);
  });
});

describe('the hello', () => {
  it('needs a token or a cookie', async () => {
    const srv = await startTestServer();
    const c = await TestClient.open(srv.url);
    const r = await c.rawRequest({ type: 'hello', protocol: PROTOCOL_VERSION });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    await srv.stop();
  });
});
