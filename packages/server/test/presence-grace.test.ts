import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload, ServerEvent } from '@segmentchat/protocol';
import { SqliteStore } from '../src/sqlite-store.ts';
import { TestClient, register } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const GRACE_MS = 400;

const presenceOf =
  (userId: string) =>
  (e: ServerEvent): e is ServerEvent & EventPayload<'presence'> =>
    e.type === 'presence' && e.userId === userId;

describe('presence grace period', () => {
  let srv: TestServer;
  let watcher: TestClient;

  beforeAll(async () => {
    srv = await startTestServer({ presenceGraceMs: GRACE_MS });
    watcher = await TestClient.connect(srv.url, (await register(srv.url, 'watcher')).token);
  });
  afterAll(async () => {
    await watcher?.close();
    await srv?.stop();
  });

  it('announces nothing when a user reconnects within the grace period, and keeps them in hello', async () => {
    const dora = await register(srv.url, 'dora');
    const first = await TestClient.connect(srv.url, dora.token);
    await watcher.waitEvent((e) => presenceOf(dora.user.id)(e) && e.status === 'online');
    const seen = watcher.events.filter(presenceOf(dora.user.id)).length;

    await first.close();
    await new Promise((r) => setTimeout(r, GRACE_MS / 4));
    const fresh = await TestClient.connect(srv.url, (await register(srv.url, 'newcomer')).token);
    expect(fresh.hello!.presence).toContainEqual(
      expect.objectContaining({ userId: dora.user.id, status: 'online' }),
    );
    const again = await TestClient.connect(srv.url, dora.token);
    await new Promise((r) => setTimeout(r, GRACE_MS * 2));
    expect(watcher.events.filter(presenceOf(dora.user.id))).toHaveLength(seen);
    await again.close();
    await fresh.close();
  });

  it('goes offline after the grace period, with the time the last connection closed as last seen', async () => {
    const emil = await register(srv.url, 'emil');
    const conn = await TestClient.connect(srv.url, emil.token);
    await conn.request('presence.set', { status: 'away' });
    await watcher.waitEvent((e) => presenceOf(emil.user.id)(e) && e.status === 'away');
    const closedAt = Date.now();
    await conn.close();
    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    expect(watcher.events.some((e) => presenceOf(emil.user.id)(e) && e.status === 'offline')).toBe(false);
    const off = await watcher.waitEvent(
      (e): e is ServerEvent & EventPayload<'presence'> =>
        presenceOf(emil.user.id)(e) && e.status === 'offline',
    );
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(off.lastSeen).toBeGreaterThanOrEqual(closedAt - 50);
    expect(off.lastSeen).toBeLessThan(closedAt + GRACE_MS / 2);
  });

  it('records last seen for users still in their grace period when the server stops', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-grace-'));
    const own = await startTestServer({ presenceGraceMs: 60_000, dataDir });
    const fay = await register(own.url, 'fay');
    const conn = await TestClient.connect(own.url, fay.token);
    const closedAt = Date.now();
    await conn.close();
    await own.stop();
    const store = new SqliteStore(join(dataDir, 'segment_chat.db'));
    const user = await store.findUserById(fay.user.id);
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(user?.lastSeen).toBeGreaterThanOrEqual(closedAt - 50);
  });
});
