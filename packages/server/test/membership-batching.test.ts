import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionResult } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

/** Channels of more than three members are large here (the default is 100). */
const PUSH_MAX = 3;

describe('joins and leaves in a large channel', () => {
  let srv: TestServer;
  const open: TestClient[] = [];

  beforeEach(async () => {
    srv = await startTestServer({ presencePushMaxMembers: PUSH_MAX });
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
  /** The frame numbers in which `c` heard of joins to the channel, by who joined. */
  const joinFrames = (c: TestClient, channelId: string): Map<string, number> =>
    new Map(
      c.events.flatMap((e, i) =>
        e.type === 'member.joined' && e.channelId === channelId
          ? [[e.member.userId, c.eventFrames[i]!] as const]
          : [],
      ),
    );
  const heardOf = (c: TestClient, channelId: string, users: TestClient[]) =>
    c.waitFor(() => (users.every((u) => joinFrames(c, channelId).has(u.hello!.user.id)) ? true : undefined));
  const framesFor = (c: TestClient, channelId: string, users: TestClient[]) =>
    new Set(users.map((u) => joinFrames(c, channelId).get(u.hello!.user.id)));

  /** A channel of `owner` that `members` join one after another, each join seen by the owner. */
  async function channelOf(owner: TestClient, name: string, members: TestClient[]): Promise<string> {
    const { channel } = await owner.request('channel.create', { name });
    for (const m of members) {
      await m.request('channel.join', { channelId: channel.id });
      await heardOf(owner, channel.id, [m]);
    }
    return channel.id;
  }

  it('writes a burst of joins to each member together, and those of a small channel one by one', async () => {
    const users = await Promise.all(
      ['ann', 'ben', 'cal', 'dan', 'eve', 'fay', 'gus'].map((n) => register(srv.url, n)),
    );
    const [ann, ben, cal, dan, ...late] = await Promise.all(users.map((u) => connect(u)));
    // Four members: large.
    const hall = await channelOf(ann!, 'hall', [ben!, cal!, dan!]);
    // One after another, further apart than a busy channel's hold (a few ms) but within the
    // patience of a join (half a second).
    for (const c of late) {
      await c.request('channel.join', { channelId: hall });
      await new Promise((r) => setTimeout(r, 30));
    }
    // The three late ones arrived together, in one frame, at every member.
    for (const c of [ann!, ben!, dan!]) {
      await heardOf(c, hall, late);
      expect(framesFor(c, hall, late).size).toBe(1);
    }
    // Each member heard of each join once, and a late one of none before its own: the count a
    // client keeps from the events stays what the server says.
    expect(ann!.events.filter((e) => e.type === 'member.joined' && e.channelId === hall)).toHaveLength(7);
    for (const c of late) {
      const before = c.events.filter((e) => e.type === 'member.joined' && e.channelId === hall);
      expect(
        before.every(
          (e) => e.type === 'member.joined' && late.some((l) => l.hello!.user.id === e.member.userId),
        ),
      ).toBe(true);
    }

    // A sign-up joins `general` (large): a connection that says hello meanwhile is told the new
    // count in its hello, and so must not hear of that join again.
    await register(srv.url, 'hal');
    const again = await connect(users[0]!);
    const general = again.hello!.channels.find((c) => c.name === 'general')!;
    expect(general.memberCount).toBe(8);
    await new Promise((r) => setTimeout(r, 700));
    expect(again.events.filter((e) => e.type === 'member.joined' && e.channelId === general.id)).toEqual([]);

    // A small channel (ann and one other) is told at once: each join in a frame of its own.
    const den = await channelOf(ann!, 'den', [ben!]);
    for (const c of late.slice(0, 2)) {
      await c.request('channel.join', { channelId: den });
      await heardOf(ann!, den, [c]);
    }
    expect(framesFor(ann!, den, late.slice(0, 2)).size).toBe(2);
  });
});
