import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '@segmentchat/protocol';
import type { ServerEvent, Stream } from '@segmentchat/protocol';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

let ts: TestServer;
let streamer: TestClient;
let viewerA: TestClient;
let viewerB: TestClient;
let stranger: TestClient;
let visitor: TestClient;
let channelId: string;

const bye = { kind: 'bye' as const, data: null };

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'accepted';
}

const systemMessage = (text: string) => (e: ServerEvent) =>
  e.type === 'message.new' && e.message.kind === 'system' && e.message.text.includes(text);

beforeAll(async () => {
  // Direct limit 1: the first viewer links to the streamer, the second goes through the relay.
  ts = await startTestServer({ streamDirectMax: 1 });
  const regs = await Promise.all([
    register(ts.url, 'cam'),
    register(ts.url, 'va'),
    register(ts.url, 'vb'),
    register(ts.url, 'str'),
  ]);
  [streamer, viewerA, viewerB, stranger] = (await Promise.all(
    regs.map((r) => TestClient.connect(ts.url, r.token)),
  )) as [TestClient, TestClient, TestClient, TestClient];
  const v = await api<{ token: string }>(ts.url, '/api/auth/visitor', {});
  visitor = await TestClient.connect(ts.url, v.body.token);
  const { channel } = await streamer.request('channel.create', {
    name: `live-${Date.now()}`,
    visibility: 'private',
  });
  channelId = channel.id;
  for (const c of [viewerA, viewerB])
    await streamer.request('channel.invite', { channelId, username: c.hello!.user.username });
});

afterAll(async () => {
  for (const c of [streamer, viewerA, viewerB, stranger, visitor]) await c?.close().catch(() => {});
  await ts?.stop();
});

describe('streams in a private channel', () => {
  let stream: Stream;

  it('only a member who is not a visitor can start one; the channel is told and gets a message', async () => {
    expect(await refused(stranger.request('stream.start', { channelId }))).toBe(ErrorCode.NOT_FOUND);
    const general = visitor.hello!.channels.find((c) => c.name === 'general')!;
    expect(await refused(visitor.request('stream.start', { channelId: general.id }))).toBe(
      ErrorCode.FORBIDDEN,
    );
    stream = (await streamer.request('stream.start', { channelId })).stream;
    expect(stream).toMatchObject({ channelId, streamerId: streamer.hello!.user.id, viewers: 0 });
    const started = await viewerA.waitEvent((e) => e.type === 'stream.started');
    expect(started.type === 'stream.started' && started.stream.id).toBe(stream.id);
    await viewerA.waitEvent(systemMessage('started a live stream'));
    // One stream per channel.
    expect(await refused(viewerA.request('stream.start', { channelId }))).toBe(ErrorCode.CONFLICT);
  });

  it('is listed for members (also in hello) and hidden from everyone else', async () => {
    expect((await viewerA.request('stream.list', {})).streams.map((s) => s.id)).toContain(stream.id);
    expect((await stranger.request('stream.list', {})).streams.map((s) => s.id)).not.toContain(stream.id);
    const again = await TestClient.connect(ts.url, (await register(ts.url, 'x')).token);
    expect(again.hello!.streams.map((s) => s.id)).not.toContain(stream.id);
    await again.close();
    expect(stranger.events.some((e) => e.type === 'stream.started')).toBe(false);
  });

  it('refuses a non-member on join, signal and relay with NOT_FOUND', async () => {
    expect(await refused(stranger.request('stream.join', { streamId: stream.id }))).toBe(ErrorCode.NOT_FOUND);
    expect(await refused(visitor.request('stream.join', { streamId: stream.id }))).toBe(ErrorCode.NOT_FOUND);
    // The stranger shares #general with the streamer, so a plain signal would pass; a stream
    // signal needs a viewer who joined.
    const signal = {
      to: streamer.hello!.user.id,
      topic: `stream:${stream.id}`,
      payload: { kind: 'offer' as const, data: { type: 'offer', sdp: 'v=0' } },
    };
    expect(await refused(stranger.request('signal', signal))).toBe(ErrorCode.NOT_FOUND);
    expect(await refused(stranger.request('stream.relay', { streamId: stream.id, payload: bye }))).toBe(
      ErrorCode.NOT_FOUND,
    );
    expect(await refused(stranger.request('stream.join', { streamId: 'nosuchstream0000' }))).toBe(
      ErrorCode.NOT_FOUND,
    );
  });

  it('gives the first viewer a direct link and the next the relay, and counts them', async () => {
    const a = await viewerA.request('stream.join', { streamId: stream.id });
    expect(a.mode).toBe('direct');
    const b = await viewerB.request('stream.join', { streamId: stream.id });
    expect(b.mode).toBe('relay');
    const updated = await streamer.waitEvent((e) => e.type === 'stream.updated' && e.stream.viewers === 2);
    expect(updated.type === 'stream.updated' && updated.stream.relayed).toBe(1);
    const metrics = await (await fetch(`${ts.url}/metrics`)).text();
    expect(metrics).toMatch(/^segmentchat_streams_live 1$/m);
    expect(metrics).toMatch(/^segmentchat_stream_viewers 2$/m);
    expect(metrics).toMatch(/^segmentchat_stream_relayed_viewers 1$/m);
  });

  it('lets stream signals pass only between the streamer and a viewer who joined', async () => {
    const offer = { kind: 'offer' as const, data: { type: 'offer', sdp: 'v=0' } };
    const topic = `stream:${stream.id}`;
    await viewerA.request('signal', { to: streamer.hello!.user.id, topic, payload: offer });
    const got = await streamer.waitEvent((e) => e.type === 'signal' && e.topic === topic);
    expect(got.type === 'signal' && got.from).toBe(viewerA.hello!.user.id);
    await streamer.request('signal', { to: viewerA.hello!.user.id, topic, payload: bye });
    // To anyone but the streamer, or from the streamer to someone who is not watching: refused.
    expect(
      await refused(viewerA.request('signal', { to: viewerB.hello!.user.id, topic, payload: bye })),
    ).toBe(ErrorCode.NOT_FOUND);
    expect(
      await refused(streamer.request('signal', { to: stranger.hello!.user.id, topic, payload: bye })),
    ).toBe(ErrorCode.NOT_FOUND);
    // A direct viewer cannot use the relay without asking for it.
    expect(await refused(viewerA.request('stream.relay', { streamId: stream.id, payload: bye }))).toBe(
      ErrorCode.INVALID,
    );
    await viewerB.request('stream.relay', { streamId: stream.id, payload: bye });
  });

  it('drops a viewer who leaves the private channel, and refuses its signals', async () => {
    const topic = `stream:${stream.id}`;
    await viewerB.request('channel.leave', { channelId });
    await streamer.waitFor(() =>
      streamer.events.findLast((e) => e.type === 'stream.updated' && e.stream.viewers === 1),
    );
    expect(
      await refused(viewerB.request('signal', { to: streamer.hello!.user.id, topic, payload: bye })),
    ).toBe(ErrorCode.NOT_FOUND);
    expect(await refused(viewerB.request('stream.join', { streamId: stream.id }))).toBe(ErrorCode.NOT_FOUND);
  });

  it('counts a viewer who leaves and comes back', async () => {
    await viewerA.request('stream.leave', { streamId: stream.id });
    await streamer.waitFor(() =>
      streamer.events.findLast((e) => e.type === 'stream.updated' && e.stream.viewers === 0),
    );
    const back = await viewerA.request('stream.join', { streamId: stream.id });
    expect(back.stream.viewers).toBe(1);
  });

  it('can be stopped by its streamer alone; viewers and members are told', async () => {
    expect(await refused(viewerA.request('stream.stop', { streamId: stream.id }))).toBe(ErrorCode.NOT_FOUND);
    await streamer.request('stream.stop', { streamId: stream.id });
    const ended = await viewerA.waitEvent((e) => e.type === 'stream.ended');
    expect(ended.type === 'stream.ended' && ended.streamId).toBe(stream.id);
    await viewerA.waitEvent(systemMessage('live stream ended'));
    expect(viewerA.events.filter((e) => e.type === 'stream.ended')).toHaveLength(1);
    expect((await viewerA.request('stream.list', {})).streams).toEqual([]);
  });

  it('ends when the streamer disconnects', async () => {
    const token = (await register(ts.url, 'cam2')).token;
    const cam = await TestClient.connect(ts.url, token);
    const general = cam.hello!.channels.find((c) => c.name === 'general')!;
    const { stream: s } = await cam.request('stream.start', { channelId: general.id });
    const join = await stranger.request('stream.join', { streamId: s.id });
    expect(join.stream.id).toBe(s.id);
    await cam.close();
    const ended = await stranger.waitEvent((e) => e.type === 'stream.ended' && e.streamId === s.id);
    expect(ended.type).toBe('stream.ended');
  });
});
