import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('a private channel', () => {
  let srv: TestServer;
  let owner: TestClient;
  let friend: TestClient;
  let stranger: TestClient;
  let secret: Channel;

  beforeAll(async () => {
    srv = await startTestServer();
    const [o, f, s] = await Promise.all([
      register(srv.url, 'owner'),
      register(srv.url, 'friend'),
      register(srv.url, 'stranger'),
    ]);
    owner = await TestClient.connect(srv.url, o.token);
    friend = await TestClient.connect(srv.url, f.token);
    stranger = await TestClient.connect(srv.url, s.token);
    ({ channel: secret } = await owner.request('channel.create', {
      name: 'secret-plans',
      description: 'shh',
      visibility: 'private',
    }));
    await owner.request('channel.invite', { channelId: secret.id, username: friend.hello!.user.username });
    await owner.request('message.send', {
      channelId: secret.id,
      clientMsgId: crypto.randomUUID(),
      text: 'the plan',
    });
  });
  afterAll(async () => {
    await Promise.all([owner, friend, stranger].map((c) => c?.close()));
    await srv?.stop();
  });

  it('is shared with an invited member, live', async () => {
    const upd = await friend.waitEvent((e) => e.type === 'channel.updated' && e.channel.id === secret.id);
    expect(upd).toMatchObject({ channel: { joined: true, visibility: 'private' } });
    const { messages } = await friend.request('message.history', { channelId: secret.id });
    expect(messages.map((m) => m.text)).toEqual(['the plan']);
    await owner.request('message.send', {
      channelId: secret.id,
      clientMsgId: crypto.randomUUID(),
      text: 'live',
    });
    await friend.waitEvent((e) => e.type === 'message.new' && e.message.text === 'live');
  });

  it('is invisible to a stranger: list, history, sync, members, join, send, invite, guessing ids', async () => {
    const { channels } = await stranger.request('channel.list', {});
    expect(channels.some((c) => c.id === secret.id || c.name === 'secret-plans')).toBe(false);
    expect(stranger.hello!.channels.some((c) => c.id === secret.id)).toBe(false);
    const missing = 'no-such-channel-id';
    for (const id of [secret.id, missing]) {
      // The same answer for "private" and "does not exist": nothing tells them apart.
      await expect(stranger.request('message.history', { channelId: id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'No such channel',
      });
      await expect(stranger.request('channel.members', { channelId: id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'No such channel',
      });
      await expect(stranger.request('channel.join', { channelId: id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: 'No such channel',
      });
      await expect(
        stranger.request('message.send', {
          channelId: id,
          clientMsgId: crypto.randomUUID(),
          text: 'let me in',
        }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'No such channel' });
      await expect(stranger.request('channel.invite', { channelId: id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(stranger.request('typing', { channelId: id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
    }
    const sync = await stranger.request('sync', { cursors: { [secret.id]: 0, [missing]: 0 } });
    expect(sync.changes).toEqual([]);
    expect(sync.cursors).toEqual({});
    expect(stranger.events.some((e) => JSON.stringify(e).includes(secret.id))).toBe(false);
  });

  it('does not reveal its name: a public channel may take the same name', async () => {
    const { channel } = await stranger.request('channel.create', { name: 'secret-plans' });
    expect(channel.id).not.toBe(secret.id);
  });

  it('lets a non-owner member not invite, and an invite code admit a new member', async () => {
    await expect(friend.request('channel.invite', { channelId: secret.id })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    const { inviteCode } = await owner.request('channel.invite', { channelId: secret.id });
    expect(inviteCode).toBeTypeOf('string');
    await expect(stranger.request('channel.join', { inviteCode: 'wrong-code' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const late = await register(srv.url, 'late');
    const lateClient = await TestClient.connect(srv.url, late.token);
    const { channel } = await lateClient.request('channel.join', { inviteCode: inviteCode! });
    expect(channel).toMatchObject({ id: secret.id, joined: true });
    await owner.waitEvent((e) => e.type === 'member.joined' && e.member.userId === late.user.id);
    await lateClient.request('channel.leave', { channelId: secret.id });
    await expect(lateClient.request('message.history', { channelId: secret.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await lateClient.close();
  });
});
