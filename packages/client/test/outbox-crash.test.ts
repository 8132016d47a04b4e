import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileOutboxStore } from '../src/node.ts';
import type { ChatClient } from '../src/index.ts';
import { newClient, newUser, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(here, '../../..');
const fixture = join(here, 'fixtures/outbox-sender.ts');

let server: TestServer;
beforeAll(async () => {
  // 50 sends at once, then 200/s: the child is still working through its outbox when it is
  // killed, and meets rate-limit refusals on the way (a retry path of its own).
  server = await startTestServer({
    limits: { sends: { burst: 50, perSecond: 200 }, wsRequests: { burst: 10_000, perSecond: 10_000 } },
  });
});
afterAll(async () => {
  await server.cleanup();
});

function runSender(args: string[]): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env },
  });
  const lines: string[] = [];
  child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(stderr);
      resolve(code);
    }),
  );
  return { child, lines, exited };
}

describe('a Node SDK process killed mid-outbox (FileOutboxStore)', () => {
  it('after SIGKILL and a restart, every queued message arrives exactly once, in order', async () => {
    const N = 400;
    const alice = await newUser(server.url, 'alice');
    const bot = await newUser(server.url, 'bot');
    const observer: ChatClient = newClient(server.url, alice.token);
    await observer.connect();
    const { channel } = await observer.request('channel.create', { name: `crash-${Date.now()}` });
    const botClient = newClient(server.url, bot.token);
    await botClient.connect();
    await botClient.request('channel.join', { channelId: channel.id });
    botClient.close();

    const seen = new Map<string, number>();
    observer.on('message', (m) => {
      if (m.channelId === channel.id) seen.set(m.text, (seen.get(m.text) ?? 0) + 1);
    });
    const outboxFile = join(server.dataDir, 'bot-outbox.jsonl');

    const first = runSender([server.url, bot.token, channel.id, outboxFile, String(N), 'm']);
    await waitFor('the sender got going', () => seen.size >= 60, 60_000);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull(); // killed, not finished
    expect(first.lines).not.toContain('drained');
    const peek = new FileOutboxStore(outboxFile); // takes over the killed process's lock
    const leftOver = await peek.load();
    await peek.close();
    expect(leftOver.length).toBeGreaterThan(0); // really mid-outbox
    expect(leftOver.length).toBeLessThan(N);

    const second = runSender([server.url, bot.token, channel.id, outboxFile, '0', 'm']);
    expect(await second.exited).toBe(0);
    expect(second.lines).toContain('drained');
    const after = new FileOutboxStore(outboxFile);
    expect(await after.load()).toEqual([]);
    await after.close();

    const expected = Array.from({ length: N }, (_, i) => `m${i}`);
    await waitFor('observer has all', () => observer.messages(channel.id).length >= N);
    // What the server stored, read back fresh from history: each message once, in order.
    const reader = newClient(server.url, alice.token, { historyPageSize: 200 });
    await reader.connect();
    while (await reader.loadOlder(channel.id));
    expect(reader.messages(channel.id).map((m) => m.text)).toEqual(expected);
    expect(reader.messages(channel.id).map((m) => m.seq)).toEqual(expected.map((_, i) => i + 1));
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(observer.messages(channel.id).map((m) => m.text)).toEqual(expected);
    reader.close();
    observer.close();
  });
});
