// Measures the server's memory while a client tries to upload 100 MB (issue 5): the body must be
// refused once past the byte limit, while streaming, without the server buffering it.
//
//   node --import tsx bench/src/upload-memory.ts [--mb 100]
//
// Starts the real server (packages/server/src/main.ts) as a child process, signs up a user,
// warms the upload path up (sharp loaded, routes compiled), resets the child's peak-RSS mark
// (VmHWM, via /proc/PID/clear_refs) and then streams the body with no Content-Length, one reused
// 64 KB chunk at a time, until the server answers. Prints RSS before, peak during, after.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { PROTOCOL_VERSION } from '@segmentchat/protocol';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const MB = 1024 * 1024;
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const mbArg = process.argv.indexOf('--mb');
const TOTAL = (mbArg > 0 ? Number(process.argv[mbArg + 1]) : 100) * MB;

function status(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

async function startServer(dataDir: string): Promise<{ pid: number; url: string; stop(): void }> {
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
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SEGMENTCHAT_FAST_HASH: '1', LOG: '0' },
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onLine = (line: string) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m) resolve(m[1]!);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', (l) => process.stderr.write(`server: ${l}\n`));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { pid: child.pid!, url, stop: () => child.kill('SIGTERM') };
}

async function signUp(url: string): Promise<{ token: string; channelId: string }> {
  const res = await fetch(`${url}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: `mem_${process.pid}`, password: 'correct horse battery 9' }),
  });
  const { token } = (await res.json()) as { token: string };
  const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ id: 1, type: 'hello', protocol: PROTOCOL_VERSION, token }));
  type Hello = { re?: number; channels: { id: string; name: string }[] };
  const hello = await new Promise<Hello>((r) =>
    ws.on('message', (d: Buffer) => {
      const frame = JSON.parse(d.toString()) as Hello;
      if (frame.re === 1) r(frame);
    }),
  );
  ws.close();
  return { token, channelId: hello.channels.find((c) => c.name === 'general')!.id };
}

function streamUpload(url: string, token: string, channelId: string, total: number) {
  const chunk = Buffer.alloc(64 * 1024);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(chunk);
  return new Promise<{ status: number; body: string; written: number }>((resolve, reject) => {
    let written = 0;
    let answered = false;
    const req = request(`${url}/api/uploads?channelId=${channelId}&filename=big.png`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'image/png',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, written }));
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-upload-mem-'));
const server = await startServer(dataDir);
try {
  const { token, channelId } = await signUp(server.url);
  // Warm-up: a refused text body and a refused 2 MB non-image load the whole upload path.
  await streamUpload(server.url, token, channelId, 64 * 1024);
  await fetch(`${server.url}/api/uploads?channelId=${channelId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
    body: 'not an image',
  });
  let reset = true;
  try {
    writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
  } catch {
    reset = false;
  }
  const before = status(server.pid, 'VmRSS');
  let sampled = before;
  const sampler = setInterval(() => (sampled = Math.max(sampled, status(server.pid, 'VmRSS'))), 2);
  const r = await streamUpload(server.url, token, channelId, TOTAL);
  clearInterval(sampler);
  const peak = reset ? Math.max(status(server.pid, 'VmHWM'), sampled) : sampled;
  const after = status(server.pid, 'VmRSS');
  const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;
  console.log(
    JSON.stringify({
      attempted: mb(TOTAL),
      status: r.status,
      error: (JSON.parse(r.body) as { error?: { code: string } }).error?.code,
      clientSentBeforeAnswer: mb(r.written),
      serverRssBefore: mb(before),
      serverRssPeak: mb(peak),
      serverRssAfter: mb(after),
      peakGrowth: mb(peak - before),
      peakFrom: reset ? 'VmHWM (reset before the upload)' : 'VmRSS sampled every 2 ms',
    }),
  );
} finally {
  server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
