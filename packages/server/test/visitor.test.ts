import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionResult } from '@segmentchat/protocol';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('visitors', () => {
  let srv: TestServer;
  let visitorSession: SessionResult;
  let visitor: TestClient;
  let member: TestClient;
  let general: string;
  let privateId: string;

  beforeAll(async () => {
    srv = await startTestServer();
    visitorSession = (await api<SessionResult>(srv.url, '/api/auth/visitor', {})).body;
    visitor = await TestClient.connect(srv.url, visitorSession.token);
    member = await TestClient.connect(srv.url, (await register(srv.url, 'member')).token);
    general = visitor.hello!.channels.find((c) => c.name === 'general')!.id;
    privateId = (await member.request('channel.create', { name: 'members-only', visibility: 'private' }))
      .channel.id;
  });
  afterAll(async () => {
    await visitor?.close();
    await member?.close();
    await srv?.stop();
  });

  it('get an ephemeral visitor-xxxx identity that expires', () => {
    expect(visitorSession.user).toMatchObject({ role: 'visitor' });
    expect(visitorSession.user.username).toMatch(/^visitor-[0-9a-f]+$/);
    expect(visitorSession.expiresAt).toBeLessThanOrEqual(Date.now() + 24 * 3600_000);
  });

  it('read and write public channels', async () => {
    const sent = await visitor.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'hello from a visitor',
    });
    await member.waitEvent((e) => e.type === 'message.new' && e.message.id === sent.message.id);
    const { messages } = await visitor.request('message.history', { channelId: general });
    expect(messages.some((m) => m.id === sent.message.id)).toBe(true);
  });

  it('cannot create channels, join private ones, open DMs or be invited', async () => {
    await expect(visitor.request('channel.create', { name: 'visitor-room' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(visitor.request('channel.join', { channelId: privateId })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const { inviteCode } = await member.request('channel.invite', { channelId: privateId });
    await expect(visitor.request('channel.join', { inviteCode: inviteCode! })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      member.request('channel.invite', { channelId: privateId, username: visitorSession.user.username }),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(visitor.request('dm.open', { userId: member.hello!.user.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const { channels } = await visitor.request('channel.list', {});
    expect(channels.every((c) => c.visibility === 'public')).toBe(true);
  });

  it('become an account by registering, keeping what they wrote', async () => {
    const v = (await api<SessionResult>(srv.url, '/api/auth/visitor', {})).body;
    const c = await TestClient.connect(srv.url, v.token);
    const { message } = await c.request('message.send', {
      channelId: general,
      clientMsgId: crypto.randomUUID(),
      text: 'before I had a name',
    });
    const username = `convert_${Date.now().toString(36)}`;
    const r = await api<SessionResult>(
      srv.url,
      '/api/auth/register',
      { username, password: 'a long passphrase here' },
      { authorization: `Bearer ${v.token}` },
    );
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: v.user.id, username, role: 'user' });
    // The visitor session ended; its socket is told and closed.
    expect((await c.closed).code).toBe(4001);
    const again = await TestClient.connect(srv.url, r.body.token);
    const { messages } = await again.request('message.history', { channelId: general });
    expect(messages.find((m) => m.id === message.id)).toMatchObject({
      authorId: v.user.id,
      authorName: username,
    });
    await again.request('channel.create', { name: `mine-${Date.now().toString(36)}` });
    expect(
      (await api(srv.url, '/api/auth/me', undefined, { authorization: `Bearer ${v.token}` })).status,
    ).toBe(401);
    await again.close();
  });
});
