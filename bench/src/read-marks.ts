// Readers marking a channel read: `readers` clients in one channel each send `channel.markRead`
// for every message they receive (what the web app asked for before its marks were throttled,
// and what a bot may still do), while one of them posts `messages` messages, one every 100 ms.
// Prints how long the last reader waited for each message and the server CPU it took, so a
// change to how read marks are stored can be judged on its own.
//
//   node --import tsx bench/src/read-marks.ts [--readers 300] [--messages 40]
//
// The server runs from this checkout on a random port, with accounts seeded as `npm run bench`
// seeds them; durability is the server's default (synchronous=FULL).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { ChatClient } from '@segmentchat/client';
import { seedAccounts } from './segmentchat-accounts.ts';
import { REPO_ROOT, SEGMENTCHAT_ENV, targetCommand } from './targets.ts';

const { values } = parseArgs({
  options: { readers: { type: 'string', default: '300' }, messages: { type: 'string', default: '40' } },
});
const readers = Number(values.readers);
const messages = Number(values.messages);

const dataDir = mkdtempSync(join(REPO_ROOT, 'bench', 'results', 'data-read-marks-'));
const tokens = await seedAccounts(
  dataDir,
  Array.from({ length: readers }, (_, idx) => ({ idx, name: `reader${idx}` })),
);
const { script, args } = targetCommand('segmentchat', dataDir);
const server = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
  cwd: REPO_ROOT,
  env: { ...process.env, ...SEGMENTCHAT_ENV },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise<string>((resolve) =>
  server.stdout.on('data', (d: Buffer) => {
    const m = /listening on (http:\/\/\S+)/.exec(String(d));
    if (m) resolve(m[1]!.replace(/\/$/, ''));
  }),
);
/** The server's user + system CPU so far, in ms (clock ticks of 10 ms). */
const serverCpuMs = () => {
  const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

try {
  const clients: ChatClient[] = [];
  for (let i = 0; i < readers; i += 50)
    clients.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, readers - i) }, async (_, k) => {
          const c = new ChatClient({ url, token: tokens.get(i + k)!, WebSocket });
          await c.connect();
          return c;
        }),
      )),
    );
  const [poster, ...rest] = clients;
  const { channel } = await poster!.request('channel.create', { name: 'lecture' });
  for (const c of rest) await c.request('channel.join', { channelId: channel.id });

  const sentAt = new Map<string, number>();
  const lastAt = new Map<string, number>();
  let marks = 0;
  for (const c of rest)
    c.on('message', (m) => {
      if (m.channelId !== channel.id) return;
      lastAt.set(m.text, performance.now());
      marks++;
      c.request('channel.markRead', { channelId: channel.id, seq: m.seq }).catch(() => undefined);
    });
  await new Promise((r) => setTimeout(r, 1_000));
  const cpuBefore = serverCpuMs();
  const started = Date.now();
  for (let i = 0; i < messages; i++) {
    const text = `message ${i}`;
    sentAt.set(text, performance.now());
    await poster!.sendMessage(channel.id, text);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const waits = [...sentAt].map(([text, at]) => (lastAt.get(text) ?? Infinity) - at).sort((a, b) => a - b);
  console.log(
    `${readers} readers, ${messages} messages, ${marks} read marks: the last reader had each message ` +
      `after p50 ${waits[waits.length >> 1]!.toFixed(1)} ms, max ${waits.at(-1)!.toFixed(1)} ms; ` +
      `server CPU ${serverCpuMs() - cpuBefore} ms in ${Date.now() - started} ms`,
  );
  for (const c of clients) c.close();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}
