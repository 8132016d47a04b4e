import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Limits, PROTOCOL_VERSION } from '@segmentchat/protocol';
import { TestClient, api, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('bad input', () => {
  let srv: TestServer;
  let token: string;
  let bystander: TestClient;
  let channelId: string;

  /** How many messages the channel holds. */
  async function stored(): Promise<number> {
    const { messages } = await bystander.request('message.history', { channelId, limit: 200 });
    return messages.length;
  }

  beforeAll(async () => {
    srv = await startTestServer({
      helloTimeoutMs: 300,
      limits: {
        wsRequests: { burst: 20, perSecond: 5 },
        wsFloodStrikes: 30,
        sends: { burst: 5, perSecond: 0.5 },
      },
    });
    token = (await register(srv.url, 'mallory')).token;
    bystander = await TestClient.connect(srv.url, (await register(srv.url, 'bystander')).token);
    channelId = (await bystander.request('channel.create', { name: 'target' })).channel.id;
  });
  afterAll(async () => {
    await bystander?.close();
    await srv?.stop();
  });

  it('answers malformed JSON, unknown types and wrong field types with typed errors and stays open', async () => {
    const c = await TestClient.connect(srv.url, token);
    await c.request('channel.join', { channelId });
    c.ws.send('{"id": 1, "type": ');
    c.ws.send('[1,2,3]');
    await c.waitFor(() => (c.orphanErrors.length >= 2 ? true : undefined));
    expect(c.orphanErrors.map((e) => e.code)).toEqual(['INVALID', 'INVALID']);
    const unknown = await c.rawRequest({ type: 'message.explode' });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_TYPE' } });
    const wrong = await c.rawRequest({
      type: 'message.send',
      channelId: 42,
      clientMsgId: 'nope',
      text: ['x'],
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    const long = await c.rawRequest({
      type: 'message.send',
      channelId,
      clientMsgId: crypto.randomUUID(),
      text: 'x'.repeat(Limits.MESSAGE_TEXT_MAX + 1),
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'INVALID' } });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.waitFor(() => (c.orphanErrors.length >= 3 ? true : undefined));
    expect((await c.request('ping', {})).serverTime).toBeGreaterThan(0);
    expect(await stored()).toBe(0);
    await c.close();
  });

  it('closes a socket that sends an oversized frame with 1009, and nothing else notices', async () => {
    const c = await TestClient.connect(srv.url, token);
    c.ws.send(
      JSON.stringify({
        id: 9,
        type: 'message.send',
        channelId,
        clientMsgId: crypto.randomUUID(),
        text: 'x'.repeat(Limits.FRAME_BYTES_MAX),
      }),
    );
    expect((await c.closed).code).toBe(1009);
    expect((await bystander.request('ping', {})).serverTime).toBeGreaterThan(0);
    expect(await stored()).toBe(0);
  });

  it('rate-limits a flood with RATE_LIMITED, then closes it with 4008; others are unaffected', async () => {
    const c = await TestClient.connect(srv.url, token);
    for (let i = 0; i < 500; i++) c.ws.send(JSON.stringify({ id: 1000 + i, type: 'ping' }));
    const closed = await c.closed;
    expect(closed.code).toBe(4008);
    expect(c.orphanErrors.some((e) => e.code === 'RATE_LIMITED' && (e.retryAfterMs ?? 0) > 0)).toBe(true);
    expect((await bystander.request('ping', {})).serverTime).toBeGreaterThan(0);
  });

  it('rate-limits sends per user with a retry hint, storing only what was accepted', async () => {
    const c = await TestClient.connect(srv.url, token);
    const before = await stored();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        c.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: `spam ${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const limited = results.filter(
      (r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'RATE_LIMITED',
    );
    expect(ok).toBe(5);
    expect(limited).toHaveLength(5);
    expect(await stored()).toBe(before + 5);
    await c.close();
  });

  it('closes connections that talk before hello (4008), say no hello (4008), or speak another protocol (4002)', async () => {
    const early = await TestClient.open(srv.url);
    const r = await early.rawRequest({ type: 'channel.list' });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await early.closed).code).toBe(4008);

    const silent = await TestClient.open(srv.url);
    expect((await silent.closed).code).toBe(4008);

    const old = await TestClient.open(srv.url);
    const h = await old.rawRequest({ type: 'hello', protocol: PROTOCOL_VERSION + 1, token });
    expect(h).toMatchObject({ ok: false, error: { code: 'PROTOCOL_MISMATCH' } });
    expect((await old.closed).code).toBe(4002);

    const forged = await TestClient.open(srv.url);
    const f = await forged.rawRequest({ type: 'hello', protocol: PROTOCOL_VERSION, token: 'not-a-token' });
    expect(f).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
    expect((await forged.closed).code).toBe(4001);
  });

  it('refuses a WebSocket upgrade that carries the session cookie from a foreign Origin', async () => {
    const cookie = `sc_session=${token}`;
    await expect(TestClient.open(srv.url, { cookie, origin: 'https://evil.example' })).rejects.toThrow(/403/);
    // The same cookie from our own page works, with no token in the hello.
    const own = await TestClient.open(srv.url, { cookie, origin: srv.url });
    const h = await own.request('hello', { protocol: PROTOCOL_VERSION });
    expect(h.user.username).toMatch(/^mallory/);
    await own.close();
    // A bearer-token client (no cookie) is not a browser acting for someone; Origin is moot.
    const sdk = await TestClient.open(srv.url, { origin: 'https://elsewhere.example' });
    await sdk.request('hello', { protocol: PROTOCOL_VERSION, token });
    await sdk.close();
  });

  it('answers bad HTTP bodies with typed errors', async () => {
    const res = await fetch(`${srv.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'INVALID' } });
    const big = await api(srv.url, '/api/auth/login', {
      username: 'x',
      password: 'y',
      junk: 'z'.repeat(100_000),
    });
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('TOO_LARGE');
    const wrong = await api(srv.url, '/api/auth/register', { username: 5 });
    expect(wrong.body.error?.code).toBe('INVALID');
    const ws = new WebSocket(srv.url.replace('http', 'ws') + '/elsewhere');
    await expect(new Promise((_, reject) => ws.once('error', reject))).rejects.toThrow();
  });
});
