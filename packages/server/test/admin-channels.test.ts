import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoute, adminPath } from '@segmentchat/protocol';
import type { AdminChannel, AuditEntry, ChannelMembers, Page, SessionResult } from '@segmentchat/protocol';
import { adminSession, call } from './admin-test-kit.ts';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('admin: channels', () => {
  let srv: TestServer;
  let admin: SessionResult;
  let owner: TestClient;
  let member: TestClient;
  let outsider: TestClient;
  let memberSession: SessionResult;
  let outsiderSession: SessionResult;
  const asAdmin = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    call<T>(srv.url, method, path, { token: admin.token, body });
  const audit = async () => (await asAdmin<Page<AuditEntry>>('GET', AdminRoute.AUDIT)).body.items;

  beforeAll(async () => {
    srv = await startTestServer();
    admin = await adminSession(srv.url);
    const o = await register(srv.url, 'owner');
    memberSession = await register(srv.url, 'member');
    outsiderSession = await register(srv.url, 'outsider');
    owner = await TestClient.connect(srv.url, o.token);
    member = await TestClient.connect(srv.url, memberSession.token);
    outsider = await TestClient.connect(srv.url, outsiderSession.token);
  });
  afterAll(async () => {
    for (const c of [owner, member, outsider]) await c?.close();
    await srv?.stop();
  });

  it('lists every channel, private ones too, with member and message counts', async () => {
    const { channel } = await owner.request('channel.create', {
      name: 'secret-plans',
      visibility: 'private',
    });
    await owner.request('channel.invite', { channelId: channel.id, username: memberSession.user.username });
    for (const text of ['one', 'two', 'three'])
      await owner.request('message.send', { channelId: channel.id, clientMsgId: crypto.randomUUID(), text });
    const r = await asAdmin<Page<AdminChannel>>('GET', `${AdminRoute.CHANNELS}?q=secret`);
    expect(r.body.items).toEqual([
      expect.objectContaining({
        id: channel.id,
        name: 'secret-plans',
        visibility: 'private',
        memberCount: 2,
        messageCount: 3,
        ownerName: owner.hello!.user.username,
      }),
    ]);
    const all = await asAdmin<Page<AdminChannel>>('GET', AdminRoute.CHANNELS);
    expect(all.body.items.map((c) => c.name)).toEqual(['general', 'secret-plans']);
  });

  it('creates, renames, redescribes and changes visibility; members see each change live', async () => {
    const created = await asAdmin<{ channel: AdminChannel }>('POST', AdminRoute.CHANNELS, {
      name: 'announcements',
      description: 'News',
    });
    expect(created.body.channel).toMatchObject({
      name: 'announcements',
      visibility: 'public',
      memberCount: 0,
    });
    const id = created.body.channel.id;
    const clash = await asAdmin('POST', AdminRoute.CHANNELS, { name: 'general' });
    expect(clash.body.error?.code).toBe('CONFLICT');

    const added = await asAdmin<ChannelMembers>(
      'POST',
      adminPath(AdminRoute.CHANNEL_MEMBERS, { channelId: id }),
      {
        username: memberSession.user.username,
      },
    );
    expect(added.body.members.map((m) => m.userId)).toEqual([memberSession.user.id]);
    await member.waitEvent((e) => e.type === 'channel.updated' && e.channel.id === id);

    const renamed = await asAdmin<{ channel: AdminChannel }>(
      'PATCH',
      adminPath(AdminRoute.CHANNEL, { channelId: id }),
      {
        name: 'news',
        description: 'What is new',
        visibility: 'private',
      },
    );
    expect(renamed.body.channel).toMatchObject({
      name: 'news',
      description: 'What is new',
      visibility: 'private',
    });
    await member.waitEvent(
      (e) => e.type === 'channel.updated' && e.channel.id === id && e.channel.name === 'news',
    );
    const taken = await asAdmin('PATCH', adminPath(AdminRoute.CHANNEL, { channelId: id }), {
      name: 'general',
      visibility: 'public',
    });
    expect(taken.body.error?.code).toBe('CONFLICT');
    const nothing = await asAdmin('PATCH', adminPath(AdminRoute.CHANNEL, { channelId: id }), {});
    expect(nothing.body.error?.code).toBe('INVALID');
    expect((await audit())[0]).toMatchObject({
      action: 'channel.update',
      target: '#news',
      detail: 'renamed from #announcements, description, public → private',
    });

    const removed = await asAdmin<ChannelMembers>(
      'DELETE',
      adminPath(AdminRoute.CHANNEL_MEMBER, { channelId: id, userId: memberSession.user.id }),
    );
    expect(removed.body.members).toEqual([]);
    // Refused as soon as the admin's answer is in, before the member has heard of it.
    await expect(
      member.request('message.send', {
        channelId: id,
        clientMsgId: crypto.randomUUID(),
        text: 'still here?',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await member.waitEvent(
      (e) => e.type === 'channel.removed' && e.channelId === id && e.reason === 'removed',
    );
    await expect(member.request('message.history', { channelId: id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('deleting a channel tells its members live; sending to it then fails with NOT_FOUND', async () => {
    const { channel } = await owner.request('channel.create', { name: 'doomed' });
    await member.request('channel.join', { channelId: channel.id });
    await owner.request('message.send', {
      channelId: channel.id,
      clientMsgId: crypto.randomUUID(),
      text: 'bye',
    });
    const r = await asAdmin('DELETE', adminPath(AdminRoute.CHANNEL, { channelId: channel.id }));
    expect(r.status).toBe(200);
    for (const c of [owner, member]) {
      await c.waitEvent(
        (e) => e.type === 'channel.removed' && e.channelId === channel.id && e.reason === 'deleted',
      );
    }
    expect(outsider.events.some((e) => e.type === 'channel.removed' && e.channelId === channel.id)).toBe(
      false,
    );
    await expect(
      member.request('message.send', {
        channelId: channel.id,
        clientMsgId: crypto.randomUUID(),
        text: 'hello?',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await owner.request('channel.list', {})).channels.some((c) => c.id === channel.id)).toBe(false);
    expect((await audit())[0]).toMatchObject({
      action: 'channel.delete',
      target: '#doomed',
      detail: '1 messages, 2 members',
    });
    const again = await asAdmin('DELETE', adminPath(AdminRoute.CHANNEL, { channelId: channel.id }));
    expect(again.body.error?.code).toBe('NOT_FOUND');
  });
});
