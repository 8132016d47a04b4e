import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

describe('health and metrics', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer();
  });
  afterAll(async () => {
    await srv?.stop();
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${srv.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('counts connections and stored messages in /metrics', async () => {
    const c = await TestClient.connect(srv.url, (await register(srv.url, 'metric')).token);
    const channelId = c.hello!.channels[0]!.id;
    for (let i = 0; i < 3; i++)
      await c.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text: `m${i}` });
    const res = await fetch(`${srv.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^segmentchat_connections 1$/m);
    expect(text).toMatch(/^segmentchat_messages_total 3$/m);
    expect(text).toMatch(/^segmentchat_store_commit_seconds_count [1-3]$/m);
    // The three messages were written to their one reader, in one to three batches.
    const batches = Number(/^segmentchat_fanout_seconds_count (\d+)$/m.exec(text)?.[1]);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(3);
    expect(text).toMatch(new RegExp(`^segmentchat_fanout_writes_total ${batches}$`, 'm'));
    expect(Number(/^segmentchat_fanout_write_seconds_total (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(0);
    await c.close();
  });
});
