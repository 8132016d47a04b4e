import { layout } from './cpu-layout.ts';
import { GeneratorPool } from './generator-pool.ts';
import type { BenchClient } from './generator/bench-client.ts';
import { createClient } from './generator/client-factory.ts';
import type {
  ClientSpec,
  ClosedLoopCommand,
  RunCommand,
  RunResult,
  SendPlan,
} from './generator/generator-commands.ts';
import { registerAccount, SegmentChatClient } from './generator/segmentchat-client.ts';
import { Histogram } from './histogram.ts';
import { nowUs, sleep } from './mono-clock.ts';
import type { BenchOptions } from './options.ts';
import { CpuMeter, rssBytes } from './proc-stats.ts';
import { seedAccounts } from './segmentchat-accounts.ts';
import { fmtServerSide, scrapeMetrics, serverSide, type ServerSide } from './server-metrics.ts';
import { startTarget, type RunningTarget, type StartOptions } from './server-process.ts';
import type { TargetKind } from './targets.ts';

export interface TargetSession {
  kind: TargetKind;
  server: RunningTarget;
  pool: GeneratorPool;
  opts: BenchOptions;
  /** SegmentChat: bearer tokens of the seeded accounts, by client index. */
  tokens: Map<number, string>;
}

/** Client index of the account that creates SegmentChat channels during setup. */
const OWNER_IDX = 9_999_999;

/**
 * Starts the target and its generators, runs `fn`, and always stops both by pid. For SegmentChat
 * the accounts of clients 0..clients (one spare, for a sender living in the coordinator) and of
 * the setup owner are seeded first.
 */
export async function withTarget<T>(
  kind: TargetKind,
  opts: BenchOptions,
  clients: number,
  fn: (s: TargetSession) => Promise<T>,
  start: StartOptions = {},
): Promise<T> {
  let tokens = new Map<number, string>();
  const prepare = async (dataDir: string) => {
    if (kind !== 'segmentchat') return;
    const accounts = Array.from({ length: clients + 1 }, (_, idx) => ({ idx, name: clientName(idx) }));
    accounts.push({ idx: OWNER_IDX, name: clientName(OWNER_IDX) });
    tokens = await seedAccounts(dataDir, accounts);
  };
  const server = await startTarget(kind, { ...start, prepare });
  let pool: GeneratorPool | null = null;
  try {
    const auto = Math.max(layout.pinned ? layout.cores - 1 : 1, Math.ceil(clients / 5000));
    pool = await GeneratorPool.start(opts.generators || auto, kind, server.url);
    pool.tokens = tokens;
    const setupCpu = new CpuMeter(server.pid);
    const session = { kind, server, pool, opts, tokens };
    const realSetup = pool.setup.bind(pool);
    // Connecting and joining is not measured, but what it costs the server is worth a line.
    pool.setup = async (clients, concurrency) => {
      const out = await realSetup(clients, concurrency);
      const cpu = setupCpu.read();
      console.log(
        `  setup of ${clients.length} clients: ${(out.connectMs / 1000).toFixed(1)} s, server CPU ${(cpu.cpuMs / 1000).toFixed(1)} s`,
      );
      return out;
    };
    return await fn(session);
  } finally {
    await pool?.stop();
    const code = await server.stop();
    if (code !== 0 && code !== null && kind !== 'segmentchat') console.warn(`  ${kind} exited with ${code}`);
  }
}

/** A small deterministic PRNG (mulberry32): every target gets the same rooms and schedule. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A username per client (3-32 chars of [A-Za-z0-9_.-]); every target run starts empty. */
export function clientName(idx: number): string {
  return `bench${idx}`;
}

/** A client living in the coordinator (room setup, the storm's sender). */
export async function coordinatorClient(s: TargetSession, idx: number): Promise<BenchClient> {
  const ignore = { delivery: () => undefined, closed: () => undefined };
  const client = createClient(s.kind, idx, s.server.url, ignore);
  if (client instanceof SegmentChatClient) {
    client.token = s.tokens.get(idx) ?? (await registerAccount(s.server.url, clientName(idx)));
  }
  await client.connect();
  return client;
}

/**
 * Room ids for the names: the baselines use names as ids; SegmentChat gets real public channels
 * created by a setup account that then goes offline (so it receives nothing).
 */
export async function prepareRooms(s: TargetSession, names: string[]): Promise<string[]> {
  if (s.kind !== 'segmentchat') return names;
  const owner = (await coordinatorClient(s, OWNER_IDX)) as SegmentChatClient;
  const ids: string[] = [];
  for (const name of names) ids.push(await owner.createChannel(name));
  await owner.close();
  return ids;
}

export interface LoadOutcome {
  /** When sending started and when the last generator finished draining (monotonic us). */
  startUs: number;
  endUs: number;
  durationMs: number;
  offeredDeliveriesPerSec: number;
  sent: number;
  expected: number;
  delivered: number;
  deliveredPct: number;
  deliveriesPerSec: number;
  latency: Histogram;
  sendLagP99Us: number;
  acks: number;
  ackLatency: Histogram;
  serverCpuMs: number;
  serverCpuUsPerDelivery: number;
  serverCorePct: number;
  /** Time the server waited for its core (other processes on it): interference, if large. */
  serverWaitMs: number;
  /** The same for the busiest-waiting generator. */
  genWaitMs: number;
  /** The busiest generator's share of one core while sending. */
  genCorePct: number;
  serverRssStart: number;
  serverRssMax: number;
  slowDelivered: number;
  errors: Record<string, number>;
  closes: Record<string, number>;
  /** SegmentChat's own account of the step, from its `/metrics`. */
  serverSide?: ServerSide;
}

function sumInto(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Runs one load step on every generator and folds the results: deliveries expected are, per
 * room, messages sent × (members − 1 − slow members) since nobody counts its own message.
 */
export async function runLoad(
  s: TargetSession,
  spec: {
    kind: 'open' | 'closed';
    run: number;
    durationMs: number;
    payloadBytes: number;
    sends?: SendPlan[];
    window?: number;
    slow?: number[];
    members: Map<string, number>;
    slowMembers?: Map<string, number>;
    offeredDeliveriesPerSec?: number;
  },
): Promise<LoadOutcome> {
  // Setup (connects, presence) or an earlier overloaded step may still keep the server busy.
  await settle(s);
  const startUs = nowUs() + 300_000;
  const common = { run: spec.run, startUs, durationMs: spec.durationMs, payloadBytes: spec.payloadBytes };
  const drain = { quietMs: 400, maxDrainMs: 4000 };
  const sends = spec.sends ?? [];
  const commandFor = (i: number): RunCommand | ClosedLoopCommand => {
    const mine = sends.filter((p) => s.pool.home.get(p.client) === i);
    if (spec.kind === 'closed') {
      const senders = mine.map(({ client, room }) => ({ client, room }));
      return { op: 'closed', ...common, ...drain, window: spec.window ?? 1, senders };
    }
    const slow = (spec.slow ?? []).filter((idx) => s.pool.home.get(idx) === i);
    return { op: 'run', ...common, ...drain, sends: mine, slow };
  };
  const metricsBefore = s.kind === 'segmentchat' ? await scrapeMetrics(s.server.url) : undefined;
  const results = s.pool.all<RunResult>(commandFor);
  await sleep((startUs - nowUs()) / 1000);
  const meter = new CpuMeter(s.server.pid);
  // Core share while sending (the drain that follows is mostly idle and would dilute it).
  let sendingCorePct = 0;
  const sendEnd = setTimeout(() => (sendingCorePct = meter.read().corePct), spec.durationMs);
  const rssStart = rssBytes(s.server.pid);
  let rssMax = rssStart;
  const sampler = setInterval(() => {
    try {
      rssMax = Math.max(rssMax, rssBytes(s.server.pid));
    } catch {
      // the server exited; the results say so
    }
  }, 200);
  let done: RunResult[];
  try {
    done = await results;
  } finally {
    clearInterval(sampler);
    clearTimeout(sendEnd);
  }
  const cpu = meter.read();
  const endUs = nowUs();
  const side = metricsBefore && serverSide(metricsBefore, await scrapeMetrics(s.server.url));
  const latency = new Histogram();
  const ackLatency = new Histogram();
  const errors: Record<string, number> = {};
  const closes: Record<string, number> = {};
  let delivered = 0;
  let slowDelivered = 0;
  let sent = 0;
  let expected = 0;
  let acks = 0;
  let sendLagP99Us = 0;
  for (const r of done) {
    latency.merge(r.latency);
    ackLatency.merge(r.ackLatency);
    delivered += r.delivered;
    slowDelivered += r.slowDelivered;
    acks += r.acks;
    sumInto(errors, r.errors);
    sumInto(closes, r.closes);
    const lag = new Histogram();
    lag.merge(r.sendLag);
    sendLagP99Us = Math.max(sendLagP99Us, lag.percentile(99));
    for (const [room, n] of Object.entries(r.sentByRoom)) {
      sent += n;
      expected += n * ((spec.members.get(room) ?? 1) - 1 - (spec.slowMembers?.get(room) ?? 0));
    }
  }
  return {
    startUs,
    endUs,
    durationMs: spec.durationMs,
    offeredDeliveriesPerSec: spec.offeredDeliveriesPerSec ?? 0,
    sent,
    expected,
    delivered,
    deliveredPct: expected > 0 ? (100 * delivered) / expected : 100,
    deliveriesPerSec: (1000 * delivered) / spec.durationMs,
    latency,
    sendLagP99Us,
    acks,
    ackLatency,
    serverCpuMs: cpu.cpuMs,
    serverCpuUsPerDelivery:
      delivered + slowDelivered > 0 ? (1000 * cpu.cpuMs) / (delivered + slowDelivered) : Number.NaN,
    serverCorePct: sendingCorePct || cpu.corePct,
    genCorePct: Math.max(...done.map((r) => r.cpu.corePct)),
    serverWaitMs: cpu.waitMs,
    genWaitMs: Math.max(...done.map((r) => r.cpu.waitMs)),
    serverRssStart: rssStart,
    serverRssMax: rssMax,
    slowDelivered,
    errors,
    closes,
    ...(side ? { serverSide: side } : {}),
  };
}

/**
 * Waits until the server is idle again (under 10% of a core for 300 ms, at most `maxMs`): after
 * an overloaded step its backlog would otherwise spill into the next step's window.
 */
export async function settle(s: TargetSession, maxMs = 15_000): Promise<void> {
  const until = performance.now() + maxMs;
  while (performance.now() < until) {
    const meter = new CpuMeter(s.server.pid);
    await sleep(300);
    if (meter.read().corePct < 10) return;
  }
}

export function membersByRoom(specs: ClientSpec[]): Map<string, number> {
  const members = new Map<string, number>();
  for (const spec of specs) for (const room of spec.rooms) members.set(room, (members.get(room) ?? 0) + 1);
  return members;
}

export function fmtLoad(o: LoadOutcome): string {
  const ms = (us: number) => (us / 1000).toFixed(1);
  return (
    `${Math.round(o.deliveriesPerSec).toLocaleString('en-US')} deliveries/s, ${o.deliveredPct.toFixed(2)}% delivered, ` +
    `p50 ${ms(o.latency.percentile(50))} ms p99 ${ms(o.latency.percentile(99))} ms p99.9 ${ms(o.latency.percentile(99.9))} ms, ` +
    `server ${o.serverCpuUsPerDelivery.toFixed(2)} us/delivery (${o.serverCorePct.toFixed(0)}% core), ` +
    `generator ${o.genCorePct.toFixed(0)}% core` +
    (o.serverWaitMs + o.genWaitMs > 50
      ? `, waited for a core: server ${o.serverWaitMs.toFixed(0)} ms, generator ${o.genWaitMs.toFixed(0)} ms`
      : '') +
    (Object.keys(o.errors).length ? `, errors ${JSON.stringify(o.errors)}` : '') +
    (Object.keys(o.closes).length ? `, closes ${JSON.stringify(o.closes)}` : '') +
    (o.serverSide ? `; ${fmtServerSide(o.serverSide)}` : '')
  );
}
