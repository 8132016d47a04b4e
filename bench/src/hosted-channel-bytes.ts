/**
 * Server bytes sent per message in a 20-member channel, hosted (members linked to the owner's
 * client over WebRTC data channels, werift in Node) against the same channel unhosted. Run:
 *
 *   node --import tsx bench/src/hosted-channel-bytes.ts [messagesPerMember]
 *
 * Each scenario gets its own server (fresh data dir), so nothing but the measured traffic is in
 * the counters. Bytes are the server's TCP payload (`segmentchat_bytes_sent_total`, WebSocket
 * framing included) between "everyone is connected (and linked)" and "everyone has every message".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RTCPeerConnection } from 'werift';
import { WebSocket } from 'ws';
import { ChatClient, api } from '@segmentchat/client';
import type { RtcPeerConnectionCtor } from '@segmentchat/client';
import { startServer } from '@segmentchat/server';

process.env.SEGMENTCHAT_FAST_HASH = '1';
const MEMBERS = 20;
const PER_MEMBER = Number(process.argv[2] ?? 10);
/**
 * Pause between one member's messages. All 20 werift peers share one Node process here, and
 * werift does DTLS and SCTP in JavaScript, so an unpaced burst measures that process's CPU, not
 * the server; 250 ms per member is 80 messages/s in the channel, a very busy chat.
 */
const PACE_MS = Number(process.argv[3] ?? 250);
const rtc = RTCPeerConnection as unknown as RtcPeerConnectionCtor;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(20);
  }
}

async function metrics(url: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const line of (await (await fetch(`${url}/metrics`)).text()).split('\n')) {
    const m = /^(segmentchat_[a-z_]+) (\d+(?:\.\d+)?)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

interface Result {
  scenario: string;
  messages: number;
  bytes: number;
  relayed: number;
  /** Frames the server received while the messages went out. */
  frames: number;
  ms: number;
}

async function scenario(hosted: boolean): Promise<Result> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sc-hosted-bench-'));
  const running = await startServer({
    dataDir,
    sqliteSynchronous: 'NORMAL',
    limits: { register: { burst: 10_000, perSecond: 1000 }, sends: { burst: 10_000, perSecond: 1000 } },
  });
  const { url } = running;
  const clients: ChatClient[] = [];
  try {
    for (let i = 0; i < MEMBERS; i++) {
      const s = await api.register(url, {
        username: `bench${hosted ? 'h' : 'u'}${i}`,
        password: 'correct horse battery staple',
      });
      const c = new ChatClient({ url, token: s.token, WebSocket, rtc: hosted ? rtc : null, sendWindow: 8 });
      await c.connect();
      clients.push(c);
    }
    const owner = clients[0]!;
    const { channel } = await owner.request('channel.create', { name: 'bench-room' });
    for (const c of clients.slice(1)) await c.request('channel.join', { channelId: channel.id });
    if (hosted) {
      await until('all members linked', () =>
        clients.slice(1).every((c) => c.peers.hostInfo(channel.id)?.role === 'linked'),
      );
      await until(
        'host reported the links',
        () => clients[1]!.peers.hostInfo(channel.id)?.linked === MEMBERS - 1,
      );
    }
    await sleep(1000); // signaling, presence and join traffic settle before the counters are read

    const before = await metrics(url);
    const started = Date.now();
    const total = MEMBERS * PER_MEMBER;
    await Promise.all(
      clients.map(async (c, i) => {
        for (let k = 0; k < PER_MEMBER; k++) {
          await c.sendMessage(channel.id, `message ${k} from member ${i}`);
          await sleep(PACE_MS);
        }
      }),
    );
    await until('everyone has every message', () =>
      clients.every((c) => c.messages(channel.id).length >= total && c.pending(channel.id).length === 0),
    );
    const ms = Date.now() - started;
    const after = await metrics(url);
    return {
      scenario: hosted ? 'hosted (19 members linked)' : 'unhosted',
      messages: (after.segmentchat_messages_total ?? 0) - (before.segmentchat_messages_total ?? 0),
      bytes: (after.segmentchat_bytes_sent_total ?? 0) - (before.segmentchat_bytes_sent_total ?? 0),
      relayed:
        (after.segmentchat_host_relayed_messages_total ?? 0) -
        (before.segmentchat_host_relayed_messages_total ?? 0),
      frames: (after.segmentchat_frames_total ?? 0) - (before.segmentchat_frames_total ?? 0),
      ms,
    };
  } finally {
    for (const c of clients) c.close();
    await running.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [await scenario(false), await scenario(true)];
if (process.env.DEBUG_BENCH) console.log(results);
console.log(
  `| channel (${MEMBERS} members, ${PER_MEMBER} messages each) | messages stored | via host.relay | frames in | server bytes sent | bytes per message | wall time |`,
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of results)
  console.log(
    `| ${r.scenario} | ${r.messages} | ${r.relayed} | ${r.frames} | ${r.bytes.toLocaleString('en')} | ${Math.round(r.bytes / r.messages).toLocaleString('en')} | ${(r.ms / 1000).toFixed(1)} s |`,
  );
const [u, h] = results as [Result, Result];
console.log(
  `\nhosted / unhosted bytes per message: ${(h.bytes / h.messages / (u.bytes / u.messages)).toFixed(3)}`,
);
process.exit(0);
