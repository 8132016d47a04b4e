import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@segmentchat/protocol';
import type { EventPayload, ServerEvent } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

type PresenceEvent = ServerEvent & EventPayload<'presence'>;

const presenceOf =
  (userId: string, status?: string) =>
  (e: ServerEvent): e is PresenceEvent =>
    e.type === 'presence' && e.userId === userId && (status === undefined || e.status === status);

/** What the SDK hands back at its next hello: the newest cursor it saw. */
function cursorOf(c: TestClient): string {
  const events = c.events.filter((e): e is PresenceEvent => e.type === 'presence');
  return events.at(-1)?.cursor ?? c.hello!.presenceCursor;
}

async function helloWith(srv: TestServer, token: string, presenceCursor: string) {
  const c = await TestClient.open(srv.url);
  const hello = await c.request('hello', { protocol: PROTOCOL_VERSION, token, presenceCursor });
  return { c, hello };
}

describe('presence cursors', () => {
  let srv: TestServer;
  const open: TestClient[] = [];
  beforeEach(async () => {
    srv = await startTestServer();
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    await srv.stop();
  });

  async function online(name: string) {
    const account = await register(srv.url, name);
    const c = await TestClient.connect(srv.url, account.token);
    open.push(c);
    return { ...account, c };
  }

  it('answers a reconnect with only the presence that changed since its cursor', async () => {
    const ann = await online('ann');
    const ben = await online('ben');
    const cal = await online('cal');
    const dan = await online('dan');
    await ann.c.waitEvent(presenceOf(dan.user.id, 'online'));
    const cursor = cursorOf(ann.c);
    await ann.c.close();

    await ben.c.request('presence.set', { status: 'away' });
    await cal.c.close();
    await dan.c.waitEvent(presenceOf(cal.user.id, 'offline'));

    const { c, hello } = await helloWith(srv, ann.token, cursor);
    open.push(c);
    expect(hello.presenceDelta).toBe(true);
    const byUser = new Map(hello.presence.map((p) => [p.userId, p]));
    expect(byUser.get(ben.user.id)).toMatchObject({ status: 'away', username: ben.user.username });
    expect(byUser.get(cal.user.id)).toMatchObject({ status: 'offline', username: cal.user.username });
    expect(byUser.get(cal.user.id)!.lastSeen).toBeGreaterThan(0);
    // Dan did not change: the client already has him.
    expect(byUser.has(dan.user.id)).toBe(false);
    expect(hello.presenceCursor).not.toBe(cursor);
  });

  it('answers with who is online instead when that is shorter than what changed (after an outage)', async () => {
    const ann = await online('ann');
    const others = [];
    for (let i = 0; i < 10; i++) others.push(await online(`user${i}`));
    await ann.c.waitEvent(presenceOf(others.at(-1)!.user.id, 'online'));
    const cursor = cursorOf(ann.c);
    await ann.c.close();
    // Everyone but one goes offline: ten changes, two online.
    for (const o of others.slice(1)) {
      await o.c.close();
      await others[0]!.c.waitEvent(presenceOf(o.user.id, 'offline'));
    }
    await others[0]!.c.request('presence.set', { status: 'away' });

    const { c, hello } = await helloWith(srv, ann.token, cursor);
    open.push(c);
    expect(hello.presenceDelta).toBe(false);
    expect(new Map(hello.presence.map((p) => [p.userId, p.status]))).toEqual(
      new Map([
        [ann.user.id, 'online'],
        [others[0]!.user.id, 'away'],
      ]),
    );
  });

  it('answers with nothing new when nothing changed, so a thousand reconnects cost a thousand small hellos', async () => {
    const ann = await online('ann');
    const ben = await online('ben');
    await ann.c.waitEvent(presenceOf(ben.user.id, 'online'));
    const { c, hello } = await helloWith(srv, ben.token, cursorOf(ben.c));
    open.push(c);
    expect(hello.presenceDelta).toBe(true);
    expect(hello.presence).toEqual([]);
  });

  it('sends everyone again once a membership changed after the cursor', async () => {
    const ann = await online('ann');
    const ben = await online('ben');
    await ann.c.waitEvent(presenceOf(ben.user.id, 'online'));
    const cursor = cursorOf(ann.c);
    const { channel } = await ben.c.request('channel.create', { name: 'side' });
    await ben.c.request('channel.leave', { channelId: channel.id });

    const { c, hello } = await helloWith(srv, ann.token, cursor);
    open.push(c);
    expect(hello.presenceDelta).toBe(false);
    expect(hello.presence.map((p) => p.userId)).toEqual(expect.arrayContaining([ann.user.id, ben.user.id]));
  });

  it('treats a cursor of another server run, or no cursor at all, as none: everyone, no error', async () => {
    const ann = await online('ann');
    const ben = await online('ben');
    await ann.c.waitEvent(presenceOf(ben.user.id, 'online'));
    for (const presenceCursor of ['nonsense', 'otherEpoch.1', `${cursorOf(ann.c).split('.')[0]}.99999999`]) {
      const { c, hello } = await helloWith(srv, ann.token, presenceCursor);
      open.push(c);
      expect(hello.presenceDelta).toBe(false);
      expect(hello.presence.map((p) => p.userId)).toContain(ben.user.id);
    }
    const c = await TestClient.open(srv.url);
    open.push(c);
    await expect(
      c.request('hello', { protocol: PROTOCOL_VERSION, token: ann.token, presenceCursor: 'x'.repeat(65) }),
    ).rejects.toMatchObject({ code: 'INVALID' });
  });

  it('announces a member who joins a channel to its members, with a cursor', async () => {
    const ann = await online('ann');
    const ben = await online('ben');
    const { channel } = await ann.c.request('channel.create', { name: 'side' });
    const before = ann.c.events.filter(presenceOf(ben.user.id)).length;
    await ben.c.request('channel.join', { channelId: channel.id });
    const seen = await ann.c.waitEvent(
      (e): e is PresenceEvent =>
        presenceOf(ben.user.id, 'online')(e) && ann.c.events.filter(presenceOf(ben.user.id)).length > before,
    );
    expect(seen.cursor).toMatch(/\.\d+$/);
  });

  it('after a join, gives the joiner everyone again and the members of the channel the joiner', async () => {
    const ann = await online('ann');
    const { channel } = await ann.c.request('channel.create', { name: 'side', visibility: 'private' });
    const { inviteCode } = await ann.c.request('channel.invite', { channelId: channel.id });
    const ben = await online('ben');
    await ann.c.waitEvent(presenceOf(ben.user.id, 'online'));
    const annCursor = cursorOf(ann.c);
    const benCursor = cursorOf(ben.c);
    await ann.c.close();
    await ben.c.request('channel.join', { inviteCode });

    const forAnn = await helloWith(srv, ann.token, annCursor);
    open.push(forAnn.c);
    expect(forAnn.hello.presenceDelta).toBe(true);
    expect(forAnn.hello.presence.map((p) => p.userId)).toContain(ben.user.id);

    const forBen = await helloWith(srv, ben.token, benCursor);
    open.push(forBen.c);
    expect(forBen.hello.presenceDelta).toBe(false);
  });

  it('tells a member who joins a channel who in it is online, though they share no other', async () => {
    const ann = await online('ann');
    const general = ann.c.hello!.channels.find((c) => c.name === 'general')!.id;
    await ann.c.request('channel.leave', { channelId: general });
    const { channel } = await ann.c.request('channel.create', { name: 'side', visibility: 'private' });
    const { inviteCode } = await ann.c.request('channel.invite', { channelId: channel.id });
    const ben = await online('ben');
    expect(ben.c.hello!.presence.map((p) => p.userId)).not.toContain(ann.user.id);

    await ben.c.request('channel.join', { inviteCode });
    const told = await ben.c.waitEvent(presenceOf(ann.user.id, 'online'));
    expect(told).toMatchObject({ username: ann.user.username, lastSeen: null });
    // Told that, ben's cursor is current: its next hello needs only a delta.
    const again = await helloWith(srv, ben.token, told.cursor);
    open.push(again.c);
    expect(again.hello.presenceDelta).toBe(true);
  });
});
