import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '@segmentchat/protocol';
import { SqliteStore } from '../src/sqlite-store.ts';
import { TestClient, register } from './test-client.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Starts `main.ts` as its own process, as `npm start` does, and waits for its address. */
function startProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'packages/server/src/main.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: root,
      env: { ...process.env, LOG: '0', SENDS_PER_SECOND: '100000', WS_REQUESTS_PER_SECOND: '100000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}: ${out}`)));
  });
}

describe('crash safety', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-crash-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every acked message, gap-free, after SIGKILL mid-traffic', async () => {
    const first = await startProcess(dataDir);
    child = first.child;
    const tokens = await Promise.all(
      [1, 2, 3].map(async (i) => (await register(first.url, `crash${i}`)).token),
    );
    const clients = await Promise.all(tokens.map((t) => TestClient.connect(first.url, t)));
    const channelId = clients[0]!.hello!.channels.find((c) => c.name === 'general')!.id;

    const acked: Message[] = [];
    let killed = false;
    const died = new Promise<void>((resolve) => first.child.once('exit', () => resolve()));
    // Each client keeps 20 sends in flight until the server dies under it.
    const senders = clients.map(async (c) => {
      const inflight = new Set<Promise<void>>();
      while (!killed) {
        const p = c
          .request('message.send', {
            channelId,
            clientMsgId: crypto.randomUUID(),
            text: `load ${acked.length}`,
          })
          .then((r) => {
            acked.push(r.message);
            if (acked.length >= 600 && !killed) {
              killed = true;
              first.child.kill('SIGKILL');
            }
          })
          .catch(() => {})
          .finally(() => inflight.delete(p));
        inflight.add(p);
        if (inflight.size >= 20) await Promise.race([Promise.race(inflight), died]);
      }
    });
    await died;
    await Promise.all(clients.map((c) => c.closed));
    await Promise.all(senders);
    expect(acked.length).toBeGreaterThanOrEqual(600);

    // The database as the crash left it: every acked message there, seq 1..n with no gaps.
    const store = new SqliteStore(join(dataDir, 'segment_chat.db'));
    expect(await store.integrityCheck()).toBe('ok');
    for (const m of acked) expect(await store.findMessage(m.id)).toEqual(m);
    const channel = (await store.findChannel(channelId))!;
    const seqs: number[] = [];
    for (let before: number | undefined; ;) {
      const page = await store.history(channelId, before, 500);
      seqs.unshift(...page.messages.map((m) => m.seq));
      if (!page.hasMore) break;
      before = page.messages[0]!.seq;
    }
    expect(seqs).toEqual(Array.from({ length: channel.lastSeq }, (_, i) => i + 1));
    await store.close();

    // And the server starts again on it and serves what was acked.
    const second = await startProcess(dataDir);
    child = second.child;
    const c = await TestClient.connect(second.url, tokens[0]!);
    const { messages } = await c.request('message.history', { channelId, limit: 1 });
    expect(messages[0]!.seq).toBe(channel.lastSeq);
    // SIGTERM is the graceful path: sockets closed with 1001, store closed, exit code 0.
    const exited = new Promise<number | null>((resolve) => second.child.once('exit', resolve));
    second.child.kill('SIGTERM');
    expect((await c.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    child = undefined;
  });
});
