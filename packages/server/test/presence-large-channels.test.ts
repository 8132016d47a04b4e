import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Limits } from '@segmentchat/protocol';
import type { EventPayload, ServerEvent } from '@segmentchat/protocol';
import type { SessionResult } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

type PresenceEvent = ServerEvent & EventPayload<'presence'>;
type ResetEvent = ServerEvent & EventPayload<'presence.reset'>;

const isReset = (e: ServerEvent): e is ResetEvent => e.type === 'presence.reset';

const presenceOf =
  (userId: string, status?: string) =>
  (e: ServerEvent): e is PresenceEvent =>
    e.type === 'presence' && e.userId === userId && (status === undefined || e.status === status);

/** Channels of more than three members are large here (the default is 100). */
const PUSH_MAX = 3;

describe('presence in large channels', () => {
  let srv: TestServer;
  const open: TestClient[] = [];
  let ann: SessionResult, ben: SessionResult, cal: SessionResult, dan: SessionResult;
  /** Ann and Ben also share a private channel of two: their presence is pushed to each other. */
  let annC: TestClient, benC: TestClient;

  beforeEach(async () => {
    srv = await startTestServer({ presencePushMaxMembers: PUSH_MAX });
    // All four join `general` on registering: four members, a large channel from the start.
    [ann, ben, cal, dan] = [
      await register(srv.url, 'ann'),
      await register(srv.url, 'ben'),
      await register(srv.url, 'cal'),
      await register(srv.url, 'dan'),
    ];
    annC = await connect(ann);
    const { channel } = await annC.request('channel.create', { name: 'pair', visibility: 'private' });
    await annC.request('channel.invite', { channelId: channel.id, username: ben.user.username });
    benC = await connect(ben);
    await annC.waitEvent(presenceOf(ben.user.id, 'online'));
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    await srv.stop();
  });

  async function connect(who: SessionResult): Promise<TestClient> {
    const c = await TestClient.connect(srv.url, who.token);
    open.push(c);
    return c;
  }

  /** The first `presence.reset` the client gets from now on. */
  function nextReset(c: TestClient): Promise<ResetEvent> {
    const from = c.events.length;
    return c.waitEvent((e): e is ResetEvent => isReset(e) && c.events.indexOf(e) >= from);
  }

  /** Ben changes status and Ann sees it: whatever was published to Ann before has reached her. */
  async function barrier(status: 'online' | 'away'): Promise<void> {
    const seen = annC.events.filter(presenceOf(ben.user.id, status)).length;
    await benC.request('presence.set', { status });
    await annC.waitEvent(
      (e): e is PresenceEvent =>
        presenceOf(ben.user.id, status)(e) &&
        annC.events.filter(presenceOf(ben.user.id, status)).length > seen,
    );
  }

  it('does not push presence to the members of a large channel, nor list them in hello', async () => {
    const calC = await connect(cal);
    await barrier('away');
    expect(annC.events.filter(presenceOf(cal.user.id))).toEqual([]);
    // A channel mate in a small channel is still pushed, and hello lists only those.
    await calC.close();
    const again = await connect(ann);
    expect(again.hello!.presence.map((p) => p.userId).sort()).toEqual([ann.user.id, ben.user.id].sort());
  });

  it('answers a watch with their presence now and pushes their changes marked watched', async () => {
    const calC = await connect(cal);
    const { presence } = await annC.request('presence.watch', { userIds: [cal.user.id, dan.user.id] });
    expect(new Map(presence.map((p) => [p.userId, p.status]))).toEqual(
      new Map([
        [cal.user.id, 'online'],
        [dan.user.id, 'offline'],
      ]),
    );
    await connect(dan);
    expect(await annC.waitEvent(presenceOf(dan.user.id, 'online'))).toMatchObject({ watched: true });
    await calC.close();
    const gone = await annC.waitEvent(presenceOf(cal.user.id, 'offline'));
    expect(gone).toMatchObject({ watched: true, username: cal.user.username });
    expect(gone.lastSeen).toBeGreaterThan(0);
    // Ben, not watching, was told of neither.
    await barrier('away');
    expect(benC.events.filter((e) => presenceOf(cal.user.id)(e) || presenceOf(dan.user.id)(e))).toEqual([]);
  });

  it('pushes a watched channel mate once, unmarked', async () => {
    await annC.request('presence.watch', { userIds: [ben.user.id] });
    await barrier('away');
    await barrier('online');
    const told = annC.events.filter(presenceOf(ben.user.id));
    expect(told.map((e) => [e.status, e.watched])).toEqual([
      ['online', undefined],
      ['away', undefined],
      ['online', undefined],
    ]);
  });

  it('replaces the watched set with each watch, and forgets it with the connection', async () => {
    await annC.request('presence.watch', { userIds: [cal.user.id] });
    await annC.request('presence.watch', { userIds: [dan.user.id] });
    await connect(cal);
    await connect(dan);
    await annC.waitEvent(presenceOf(dan.user.id, 'online'));
    await barrier('away');
    expect(annC.events.filter(presenceOf(cal.user.id))).toEqual([]);

    const watcher = await connect(ann);
    await watcher.request('presence.watch', { userIds: [ben.user.id, cal.user.id] });
    await watcher.close();
    await barrier('online');
    expect(srv.server.services.watchers.of(cal.user.id)).toBeUndefined();
  });

  it('learns the size of a channel its members joined after connecting', async () => {
    const { channel } = await annC.request('channel.create', { name: 'later' });
    const others = [await connect(cal), await connect(dan), benC];
    for (const c of others) await c.request('channel.join', { channelId: channel.id });
    // Four members: the fifth's arrival in the channel is not announced to it.
    const eve = await register(srv.url, 'eve');
    const eveC = await connect(eve);
    const told = annC.events.filter(presenceOf(eve.user.id)).length;
    await eveC.request('channel.join', { channelId: channel.id });
    await barrier('away');
    expect(annC.events.filter(presenceOf(eve.user.id)).length).toBe(told);
  });

  it('answers channel.members with who of them is online or away now', async () => {
    const calC = await connect(cal);
    await calC.request('presence.set', { status: 'away' });
    const general = annC.hello!.channels.find((c) => c.name === 'general')!.id;
    const { members, presence } = await annC.request('channel.members', { channelId: general });
    expect(members).toHaveLength(4);
    expect(new Map(presence.map((p) => [p.userId, p.status]))).toEqual(
      new Map([
        [ann.user.id, 'online'],
        [ben.user.id, 'online'],
        [cal.user.id, 'away'],
      ]),
    );
  });

  it('tells the members of general of a sign-up, as of any join (their counts and the server’s stay true)', async () => {
    const eve = await register(srv.url, 'eve');
    const joined = await annC.waitEvent(
      (e): e is ServerEvent & EventPayload<'member.joined'> =>
        e.type === 'member.joined' && e.member.userId === eve.user.id,
    );
    expect(joined.member).toMatchObject({ username: eve.user.username, isOwner: false });
  });

  it('leaves out people the caller shares no channel with', async () => {
    const eve = await register(srv.url, 'eve');
    const eveC = await connect(eve);
    for (const c of eveC.hello!.channels) await eveC.request('channel.leave', { channelId: c.id });
    const { presence } = await annC.request('presence.watch', {
      userIds: [eve.user.id, 'AAAAAAAAAAAAAAAA', cal.user.id],
    });
    expect(presence.map((p) => p.userId)).toEqual([cal.user.id]);
    await eveC.request('presence.set', { status: 'away' });
    await barrier('away');
    expect(annC.events.filter(presenceOf(eve.user.id, 'away'))).toEqual([]);
  });

  it('refuses more people than the limit, or ids that are not ids, and keeps the last set', async () => {
    await annC.request('presence.watch', { userIds: [cal.user.id] });
    const tooMany = Array.from({ length: Limits.PRESENCE_WATCH_MAX + 1 }, (_, i) =>
      `user${i}`.padEnd(16, 'A'),
    );
    await expect(annC.request('presence.watch', { userIds: tooMany })).rejects.toMatchObject({
      code: 'INVALID',
    });
    await expect(annC.request('presence.watch', { userIds: [''] })).rejects.toMatchObject({
      code: 'INVALID',
    });
    await connect(cal);
    expect(await annC.waitEvent(presenceOf(cal.user.id, 'online'))).toMatchObject({ watched: true });
  });

  it('stops pushing in a channel that grows large, and starts again when it shrinks', async () => {
    const { channel } = await annC.request('channel.create', { name: 'growing' });
    await benC.request('channel.join', { channelId: channel.id });
    const calC = await connect(cal);
    for (const c of calC.hello!.channels.filter((c) => c.name === 'general'))
      await calC.request('channel.leave', { channelId: c.id });
    await calC.request('channel.join', { channelId: channel.id });
    // Three members: small. Cal's going away reaches Ann.
    await calC.request('presence.set', { status: 'away' });
    await annC.waitEvent(presenceOf(cal.user.id, 'away'));
    const danC = await connect(dan);
    const grown = nextReset(annC);
    const calTold = nextReset(calC);
    await danC.request('channel.join', { channelId: channel.id });
    // Four: large. Ann is told to forget Cal, whom she shares no other small channel with and
    // whose changes she will no longer be told of; Ben (the pair), Dan (general, small since Cal
    // left it) and she herself stay.
    expect((await grown).presence.map((p) => p.userId).sort()).toEqual(
      [ann.user.id, ben.user.id, dan.user.id].sort(),
    );
    await calTold;
    await danC.waitEvent(isReset);
    // Cal's coming back is not pushed.
    const told = annC.events.filter(presenceOf(cal.user.id)).length;
    await calC.request('presence.set', { status: 'online' });
    await barrier('away');
    expect(annC.events.filter(presenceOf(cal.user.id)).length).toBe(told);
    // Three again: small. Ann is given Cal as he is now (online), not as she last heard (away).
    const shrunk = nextReset(annC);
    await danC.request('channel.leave', { channelId: channel.id });
    expect((await shrunk).presence.find((p) => p.userId === cal.user.id)?.status).toBe('online');
    expect(danC.events.filter(isReset)).toHaveLength(1); // told once, when it grew: it left
    await calC.request('presence.set', { status: 'away' });
    await annC.waitEvent(presenceOf(cal.user.id, 'away'));
  });

  it('resets presence after the pushed changes queued before it, keeping the watched ones', async () => {
    const { channel } = await annC.request('channel.create', { name: 'growing' });
    const calC = await connect(cal);
    await calC.request('channel.join', { channelId: channel.id });
    await annC.request('presence.watch', { userIds: [dan.user.id] });
    const danC = await connect(dan);
    await annC.waitEvent((e) => presenceOf(dan.user.id, 'online')(e) && e.watched === true);
    // In one turn: Ben (pushed through the pair) and Dan (watched) change, then the channel
    // grows large. What Ann receives next: Ben's change inside the reset only, Dan's as it was.
    const next = nextReset(annC);
    await Promise.all([
      benC.request('presence.set', { status: 'away' }),
      danC.request('presence.set', { status: 'away' }),
      benC.request('channel.join', { channelId: channel.id }),
      danC.request('channel.join', { channelId: channel.id }),
    ]);
    const reset = await next;
    expect(reset.presence.find((p) => p.userId === ben.user.id)?.status).toBe('away');
    await annC.waitEvent((e) => presenceOf(dan.user.id, 'away')(e) && e.watched === true);
    const after = annC.events.slice(annC.events.indexOf(reset) + 1);
    expect(after.filter((e) => presenceOf(ben.user.id, 'online')(e))).toEqual([]);
  });
});
