// Live stream measurement for docs/performance.md: glass-to-glass latency through each path
// (direct from the streamer's browser, and through the server's relay), and server CPU per
// relayed viewer. Run: `node --import tsx e2e/src/stream-measure.ts [seconds] [maxViewers]`.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { RTCPeerConnection } from 'werift';
import { ChatClient, api } from '@segmentchat/client';
import { launchBrowser } from './browser.ts';
import { ChatPage } from './chat-page.ts';
import { ensureWebBuilt, repoRoot, webDist } from './server-fixture.ts';
import { visible } from './wait.ts';

const SECONDS = Number(process.argv[2] ?? 10);
const MAX_VIEWERS = Number(process.argv[3] ?? 8);
const PASSWORD = 'measure password 42';

/**
 * Runs in the streamer's page instead of the camera: a 640x360 canvas at 30 fps whose 48 blocks
 * (80x60 px; each bit twice, white-for-1 and white-for-0) spell the low 24 bits of the wall
 * clock in ms when the frame was drawn, plus a quiet tone for the audio track. Big blocks
 * survive VP8 at any bitrate the link picks; no OCR needed.
 */
const FAKE_CAMERA = `(() => {
  navigator.mediaDevices.getUserMedia = async () => {
    const c = document.createElement('canvas');
    c.width = 640; c.height = 360;
    const g = c.getContext('2d');
    const draw = () => {
      const t = Date.now() % 16777216;
      g.fillStyle = '#808080'; g.fillRect(0, 0, 640, 360);
      for (let i = 0; i < 48; i++) {
        const bit = ((t >> (i % 24)) & 1) ^ (i >= 24 ? 1 : 0);
        g.fillStyle = bit ? '#ffffff' : '#000000';
        g.fillRect(0 + (i % 8) * 80, 0 + Math.floor(i / 8) * 60, 80, 60);
      }
    };
    draw();
    setInterval(draw, 1000 / 30);
    const ac = new AudioContext();
    const osc = ac.createOscillator();
    const gain = ac.createGain(); gain.gain.value = 0.01;
    const dest = ac.createMediaStreamDestination();
    osc.connect(gain).connect(dest); osc.start();
    return new MediaStream([...c.captureStream(30).getVideoTracks(), ...dest.stream.getAudioTracks()]);
  };
  navigator.mediaDevices.enumerateDevices = async () => [];
})();`;

/**
 * In a viewer's page: for `ms`, decode the clock from each presented frame; latencies in ms.
 * A string, like FAKE_CAMERA: tsx would wrap a real function's inner names in a helper the
 * page does not have.
 */
const MEASURE = `(ms) => {
  const video = document.querySelector('video[aria-label^="Live stream from"]');
  const c = document.createElement('canvas');
  c.width = 640; c.height = 360;
  const g = c.getContext('2d', { willReadFrequently: true });
  const out = [];
  let seen = 0;
  const end = Date.now() + ms;
  return new Promise((resolve) => {
    const onFrame = (_now, meta) => {
      seen++;
      g.drawImage(video, 0, 0, 640, 360);
      const d = g.getImageData(0, 0, 640, 360).data;
      // Each bit is drawn twice, white-for-1 and white-for-0: a bit counts only when its two
      // blocks clearly disagree, so a blurred or half-updated block makes the frame unreadable
      // rather than wrong.
      const lumAt = (k) => {
        const x0 = 30 + (k % 8) * 80, y0 = 20 + Math.floor(k / 8) * 60;
        let sum = 0;
        for (let y = y0; y < y0 + 20; y++)
          for (let x = x0; x < x0 + 20; x++) { const p = (y * 640 + x) * 4; sum += d[p] + d[p + 1] + d[p + 2]; }
        return sum / 1200;
      };
      let v = 0, clear = true;
      for (let i = 0; i < 24; i++) {
        const a = lumAt(i), b = lumAt(i + 24);
        if (Math.abs(a - b) < 120) clear = false;
        if (a > b) v |= 1 << i;
      }
      // Wall clock in both pages: each page's performance.timeOrigin is taken when it loads and
      // can be off the system clock by tens of ms, which would bias one path against the other.
      const shown = Date.now() - (performance.now() - meta.expectedDisplayTime);
      const latency = (((Math.floor(shown) % 16777216) - v + 16777216) % 16777216) + (shown % 1);
      if (clear && latency < 5000) out.push(latency);
      if (Date.now() < end) video.requestVideoFrameCallback(onFrame);
      else resolve({ out, seen });
    };
    video.requestVideoFrameCallback(onFrame);
  });
}`;

async function forwarded(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^segmentchat_stream_relay_packets_total (\d+)$/m.exec(text)?.[1] ?? 0);
}

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line (11 and 12 after the name).
  return Number(fields[11]) + Number(fields[12]);
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

async function startServer(dataDir: string): Promise<{ url: string; pid: number; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'packages/server/src/main.ts'), '--port', '0', '--host', '127.0.0.1'],
    {
      cwd: repoRoot,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        WEB_ROOT: webDist,
        LOG: '0',
        SQLITE_SYNCHRONOUS: 'NORMAL',
        SEGMENTCHAT_STREAM_DIRECT_MAX: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      const m = /listening on (http:\/\/\S+)/.exec(b.toString());
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, pid: child.pid!, stop: () => child.kill('SIGTERM') };
}

/** A relayed viewer in Node: a werift peer connection that receives (and drops) the media. */
async function weriftViewer(url: string, token: string, streamId: string) {
  const client = new ChatClient({ url, token, WebSocket, rtc: null });
  await client.connect();
  await client.request('stream.join', { streamId, relay: true });
  const pc = new RTCPeerConnection({ iceAdditionalHostAddresses: ['127.0.0.1'] });
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  let packets = 0;
  pc.onTrack.subscribe((t) => t.onReceiveRtp.subscribe(() => packets++));
  await pc.setLocalDescription(await pc.createOffer());
  const r = await client.request('stream.relay', {
    streamId,
    payload: { kind: 'offer', data: { type: 'offer', sdp: pc.localDescription!.sdp } },
  });
  await pc.setRemoteDescription(r.payload!.data as { type: 'answer'; sdp: string });
  return {
    packets: () => packets,
    close: async () => {
      await pc.close();
      client.close();
    },
  };
}

async function main(): Promise<void> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-stream-measure-'));
  const server = await startServer(dataDir);
  const browser = await launchBrowser();
  try {
    const names = ['cam', 'direct', 'relayed', 'bots'].map((n) => `${n}${Date.now().toString(36).slice(-4)}`);
    const tokens = [];
    for (const username of names)
      tokens.push((await api.register(server.url, { username, password: PASSWORD })).token);
    const [cam, direct, relayed] = await Promise.all([0, 1, 2].map(() => ChatPage.open(browser, server.url)));
    await cam!.context.addInitScript(FAKE_CAMERA);
    for (const [i, page] of [cam!, direct!, relayed!].entries()) {
      await page.page.reload();
      await page.login(names[i]!, PASSWORD);
      await page.openChannel('general');
    }
    await cam!.page.getByRole('button', { name: 'Start stream' }).click();
    await cam!.page.getByRole('button', { name: 'Go live' }).click();
    await visible(cam!.page.getByRole('dialog', { name: 'Live in general' }));
    const rows: string[] = [];
    const paths = [
      [direct!, 'Direct from the streamer'],
      [relayed!, 'Through the server relay'],
    ] as const;
    for (const [page, path] of paths) {
      await page.page.getByRole('button', { name: 'View stream' }).click();
      await visible(page.page.getByText(path));
      await page.page.waitForFunction(() => {
        const v = document.querySelector<HTMLVideoElement>('video[aria-label^="Live stream from"]');
        return v !== null && v.videoWidth > 0 && v.currentTime > 1;
      });
    }
    // Both at once, so that both paths see the same load on the machine.
    const results = await Promise.all(
      paths.map(([page]) =>
        page.page.evaluate<{ out: number[]; seen: number }>(`(${MEASURE})(${SECONDS * 1000})`),
      ),
    );
    for (const [i, [, path]] of paths.entries()) {
      const { out: lat, seen } = results[i]!;
      rows.push(
        `| ${path.toLowerCase()} | ${seen} / ${lat.length} | ${pct(lat, 0.5).toFixed(0)} | ${pct(lat, 0.95).toFixed(0)} | ${Math.min(...lat).toFixed(0)} |`,
      );
      console.log(rows.at(-1));
    }
    // Browser viewers leave; the CPU step uses werift viewers in this process only.
    for (const page of [direct!, relayed!])
      await page.page.getByRole('button', { name: 'Leave stream' }).click();
    const owner = new ChatClient({ url: server.url, token: tokens[0]!, WebSocket, rtc: null });
    await owner.connect();
    const streamId = owner.streams.list()[0]!.id;
    owner.close();
    const viewers: Awaited<ReturnType<typeof weriftViewer>>[] = [];
    const cpuRows: string[] = [];
    const hz = 100; // USER_HZ on Linux
    for (const n of [0, 1, 2, 4, MAX_VIEWERS].filter((v, i, a) => a.indexOf(v) === i)) {
      while (viewers.length < n) viewers.push(await weriftViewer(server.url, tokens[3]!, streamId));
      await new Promise((r) => setTimeout(r, 3000)); // links settle, keyframes arrive
      const p0 = viewers.reduce((s, v) => s + v.packets(), 0);
      const f0 = await forwarded(server.url);
      const t0 = cpuTicks(server.pid);
      const w0 = Date.now();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      const cpu = (cpuTicks(server.pid) - t0) / hz / ((Date.now() - w0) / 1000);
      const pps = (viewers.reduce((s, v) => s + v.packets(), 0) - p0) / SECONDS;
      const fps = ((await forwarded(server.url)) - f0) / SECONDS;
      cpuRows.push(`| ${n} | ${(cpu * 100).toFixed(1)} % | ${fps.toFixed(0)} | ${pps.toFixed(0)} |`);
      console.log(cpuRows.at(-1));
    }
    for (const v of viewers) await v.close();
    console.log(
      '\n| path | frames shown / read | median ms | p95 ms | min ms |\n| --- | ---: | ---: | ---: | ---: |',
    );
    console.log(rows.join('\n'));
    console.log(
      '\n| relayed viewers | server CPU (one core = 100 %) | RTP packets/s forwarded | received by the viewers |',
    );
    console.log('| ---: | ---: | ---: | ---: |');
    console.log(cpuRows.join('\n'));
  } finally {
    await browser.close();
    server.stop();
    setTimeout(() => rmSync(dataDir, { recursive: true, force: true }), 1000);
  }
}

await main();
