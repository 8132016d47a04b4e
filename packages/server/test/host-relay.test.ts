import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, relaySignedText } from '@segmentchat/protocol';
import type { RelayedMessage, ServerEvent } from '@segmentchat/protocol';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

let ts: TestServer;
let host: TestClient;
let member: TestClient;
let other: TestClient;
let stranger: TestClient;
let channelId: string;

function sign(c: TestClient, channel: string, clientMsgId: string, text: string): RelayedMessage {
  const authorId = c.hello!.user.id;
  const sig = createHmac('sha256', c.hello!.relayKey)
    .update(relaySignedText(channel, authorId, clientMsgId, text))
    .digest('base64url');
  return { authorId, clientMsgId, text, sig };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${ts.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.split(' ')[1]);
}

const newMessage = (text: string) => (e: ServerEvent) => e.type === 'message.new' && e.message.text === text;

beforeAll(async () => {
  ts = await startTestServer({ limits: { wsRequests: { burst: 10_000, perSecond: 1000 } } });
  const [h, m, o, s] = await Promise.all([
    register(ts.url, 'host'),
    register(ts.url, 'mem'),
    register(ts.url, 'oth'),
    register(ts.url, 'str'),
  ]);
  const cs = await Promise.all([h, m, o, s].map((r) => TestClient.connect(ts.url, r.token)));
  [host, member, other, stranger] = [cs[0]!, cs[1]!, cs[2]!, cs[3]!];
  const { channel } = await host.request('channel.create', {
    name: `hosted-${Date.now()}`,
    visibility: 'private',
  });
  channelId = channel.id;
  await host.request('channel.invite', { channelId, username: member.hello!.user.username });
  await host.request('channel.invite', { channelId, username: other.hello!.user.username });
  await host.request('host.status', { channelId, linked: 0 });
});

afterAll(async () => {
  for (const c of [host, member, other, stranger]) await c?.close().catch(() => {});
  await ts?.stop();
});

describe('host.relay', () => {
  it('stores a member message signed with its relay key, under the member name, once', async () => {
    const msg = sign(member, channelId, randomUUID(), 'relayed hello');
    const r = await host.request('host.relay', { channelId, messages: [msg] });
    expect(r.results).toHaveLength(1);
    const stored = r.results[0]!.message!;
    expect(stored.authorId).toBe(member.hello!.user.id);
    expect(stored.authorName).toBe(member.hello!.user.username);
    const seen = await other.waitEvent(newMessage('relayed hello'));
    expect(seen.type === 'message.new' && seen.message.id).toBe(stored.id);

    // The same message again, relayed or sent by the member itself, is the same stored message.
    const again = await host.request('host.relay', { channelId, messages: [msg] });
    expect(again.results[0]!.message!.id).toBe(stored.id);
    const direct = await member.request('message.send', {
      channelId,
      clientMsgId: msg.clientMsgId,
      text: msg.text,
    });
    expect(direct.message.id).toBe(stored.id);
    const history = await other.request('message.history', { channelId });
    expect(history.messages.filter((m) => m.clientMsgId === msg.clientMsgId)).toHaveLength(1);
  });

  it('refuses a message the host forged in a member name, and stores the rest of the batch', async () => {
    const forgedId = randomUUID();
    // The host signs with its own key but claims the member wrote it.
    const forged = { ...sign(host, channelId, forgedId, 'I am the member'), authorId: member.hello!.user.id };
    const garbage = { ...sign(member, channelId, randomUUID(), 'tampered'), text: 'tampered!' };
    const fine = sign(other, channelId, randomUUID(), 'genuine from other');
    const r = await host.request('host.relay', { channelId, messages: [forged, garbage, fine] });
    expect(r.results.map((x) => x.error ?? 'ok')).toEqual(['FORBIDDEN', 'FORBIDDEN', 'ok']);
    const history = await member.request('message.history', { channelId });
    expect(history.messages.map((m) => m.text)).not.toContain('I am the member');
    expect(history.messages.map((m) => m.text)).not.toContain('tampered!');
    expect(history.messages.at(-1)!.text).toBe('genuine from other');
  });

  it('refuses a signature made for another channel, and authors who are not members', async () => {
    const elsewhere = sign(member, 'another-channel', randomUUID(), 'replayed');
    const outsider = sign(stranger, channelId, randomUUID(), 'not a member');
    const r = await host.request('host.relay', { channelId, messages: [elsewhere, outsider] });
    expect(r.results.map((x) => x.error)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
  });

  it('is only for the current host: a member cannot relay', async () => {
    const msg = sign(other, channelId, randomUUID(), 'sneaky');
    await expect(member.request('host.relay', { channelId, messages: [msg] })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
    await expect(member.request('host.status', { channelId, linked: 0 })).rejects.toMatchObject({
      code: ErrorCode.FORBIDDEN,
    });
  });
});

describe('relay limits', () => {
  it("holds each author to the server's send limit (burst 60), relayed or not", async () => {
    const batch = () =>
      Array.from({ length: 40 }, (_, i) => sign(other, channelId, randomUUID(), `limit ${i}`));
    const first = await host.request('host.relay', { channelId, messages: batch() });
    const second = await host.request('host.relay', { channelId, messages: batch() });
    const codes = [...first.results, ...second.results].map((r) => r.error ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBeLessThanOrEqual(61);
    expect(codes).toContain('RATE_LIMITED');
  });
});

describe('hosted fan-out', () => {
  it('leaves linked members out of new messages while the host is connected, and not after', async () => {
    // The member signals the host (as a WebRTC offer would), then the host reports it linked.
    await member.request('signal', {
      to: host.hello!.user.id,
      topic: `host:${channelId}`,
      payload: { kind: 'offer', data: { sdp: 'x' } },
    });
    // A connection that never signaled the host cannot be named (or starved) by it.
    await host.request('host.status', {
      channelId,
      linked: 2,
      connections: [member.hello!.connectionId, other.hello!.connectionId],
    });
    const status = await other.waitEvent((e) => e.type === 'host.status' && e.linked === 2);
    expect(status).toMatchObject({ hostId: host.hello!.user.id, hostConnection: host.hello!.connectionId });

    await other.request('message.send', { channelId, clientMsgId: randomUUID(), text: 'while hosted' });
    await host.waitEvent(newMessage('while hosted'));
    await other.waitEvent(newMessage('while hosted'));
    // The ping's reply comes after any event the server sent the member before it.
    await member.request('ping', {});
    expect(member.events.some(newMessage('while hosted'))).toBe(false);

    await host.close();
    await member.waitEvent((e) => e.type === 'host.status' && e.hostId === null);
    await other.request('message.send', { channelId, clientMsgId: randomUUID(), text: 'host gone' });
    await member.waitEvent(newMessage('host gone'));
  });
});

describe('traffic counters', () => {
  it('count DM messages that pass through the server, and bytes sent', async () => {
    const dm = await member.request('dm.open', { userId: other.hello!.user.id });
    const before = await metric('segmentchat_dm_frames_total');
    const bytesBefore = await metric('segmentchat_dm_bytes_total');
    await member.request('message.send', {
      channelId: dm.channel.id,
      clientMsgId: randomUUID(),
      text: 'psst',
    });
    expect(await metric('segmentchat_dm_frames_total')).toBe(before + 1);
    expect(await metric('segmentchat_dm_bytes_total')).toBeGreaterThan(bytesBefore);
    // A message in an ordinary channel does not count as a DM.
    await member.request('message.send', { channelId, clientMsgId: randomUUID(), text: 'public words' });
    expect(await metric('segmentchat_dm_frames_total')).toBe(before + 1);
    expect(await metric('segmentchat_bytes_sent_total')).toBeGreaterThan(0);
  });

  it('rate-limits signaling per user', async () => {
    const to = other.hello!.user.id;
    const results = await Promise.allSettled(
      Array.from({ length: 450 }, () =>
        stranger.request('signal', { to, topic: 'dm:x', payload: { kind: 'ice', data: null } }),
      ),
    );
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === ErrorCode.RATE_LIMITED,
    );
    expect(limited.length).toBeGreaterThan(0);
  });
});
