import type { StormResult } from '../generator/generator-commands.ts';
import { Histogram } from '../histogram.ts';
import { nowUs, sleep } from '../mono-clock.ts';
import type { BenchOptions } from '../options.ts';
import { CpuMeter } from '../proc-stats.ts';
import { scrapeMetrics } from '../server-metrics.ts';
import type { Metric, Results } from '../results.ts';
import { medianRun } from '../median-run.ts';
import {
  coordinatorClient,
  membersByRoom,
  prepareRooms,
  withTarget,
  type TargetSession,
} from '../scenario-kit.ts';
import { SEGMENTCHAT_PRESENCE_GRACE_MS, type TargetKind } from '../targets.ts';
import { hotRoomClients } from './hot-room.ts';
import { markerText } from '../generator/delivery-marker.ts';

export const STORM: Record<string, Metric> = {
  all: {
    id: 'storm.all',
    scenario: 'storm',
    label: 'Reconnect storm: all caught up after',
    unit: 'ms',
    better: 'lower',
    digits: 0,
    goal: { text: '≤ 1000 ms', met: (v) => v <= 1000 },
  },
  p50: {
    id: 'storm.p50',
    scenario: 'storm',
    label: 'Reconnect storm: median client caught up',
    unit: 'ms',
    better: 'lower',
    digits: 0,
  },
  cpu: {
    id: 'storm.cpu',
    scenario: 'storm',
    label: 'Reconnect storm: server CPU spent',
    unit: 'ms',
    better: 'lower',
    digits: 0,
  },
  reads: {
    id: 'storm.reads',
    scenario: 'storm',
    label: 'Reconnect storm: messages read from the store',
    unit: '',
    better: 'lower',
    digits: 0,
  },
  outageAll: {
    id: 'storm.outage.all',
    scenario: 'storm',
    label: 'Reconnect storm after an outage (all changed presence): all caught up after',
    unit: 'ms',
    better: 'lower',
    digits: 0,
    goal: { text: '≤ 1000 ms', met: (v) => v <= 1000 },
  },
  outageCpu: {
    id: 'storm.outage.cpu',
    scenario: 'storm',
    label: 'Reconnect storm after an outage: server CPU spent',
    unit: 'ms',
    better: 'lower',
    digits: 0,
  },
  restartAll: {
    id: 'storm.restart.all',
    scenario: 'storm',
    label: 'Reconnect storm into a restarted server (cold): all caught up after',
    unit: 'ms',
    better: 'lower',
    digits: 0,
    goal: { text: '≤ 1000 ms', met: (v) => v <= 1000 },
  },
  restartCpu: {
    id: 'storm.restart.cpu',
    scenario: 'storm',
    label: 'Reconnect storm into a restarted server: server CPU spent',
    unit: 'ms',
    better: 'lower',
    digits: 0,
  },
  restartReads: {
    id: 'storm.restart.reads',
    scenario: 'storm',
    label: 'Reconnect storm into a restarted server: messages read from the store',
    unit: '',
    better: 'lower',
    digits: 0,
  },
};

/**
 * Scenario 4: `clients` members of one room disconnect, `missed` messages are posted, then all
 * reconnect at the same instant and fetch what they missed (SegmentChat: hello + `sync` from their
 * cursors; baselines: join + their in-memory `sync`). Measured: time until the last one has
 * everything, and the server CPU (and, where `/metrics` says, the store reads) it took. With
 * `repeats`, the clients do it that many times in a row and the median storm is reported.
 */
export async function reconnectStorm(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { clients, missed, repeats, outageRepeats, restartRepeats } = opts.storm;
  await withTarget(kind, opts, clients, async (s) => {
    const [room] = await prepareRooms(s, ['storm-room']);
    const specs = hotRoomClients(clients, room!);
    await s.pool.setup(specs);
    const storms = async (
      count: number,
      awayMs: number,
      what: string,
      restart = false,
    ): Promise<StormRun> => {
      const runs: StormRun[] = [];
      for (let r = 0; r < count; r += 1) {
        const run = await oneStorm(s, room!, clients, missed, opts.payloadBytes, awayMs, restart);
        runs.push(run);
        results.detail(
          `  ${count > 1 ? `${what} ${r + 1}: ` : ''}${run.caughtUp}/${clients} caught up (${run.fetched} messages fetched, ${membersByRoom(specs).size} room); ` +
            `last after ${(run.all.max / 1000).toFixed(0)} ms, p50 ${(run.all.percentile(50) / 1000).toFixed(0)} ms; ` +
            `server CPU ${run.cpu.cpuMs.toFixed(0)} ms (waited ${run.cpu.waitMs.toFixed(0)} ms for a core), ` +
            `busiest generator CPU ${run.generatorCpuMs.toFixed(0)} ms (waited ${run.generatorWaitMs.toFixed(0)} ms)` +
            (run.failed ? `; ${run.failed} failed: ${run.firstError}` : ''),
        );
        if (run.metrics.length) results.detail(`  /metrics during the storm: ${run.metrics}`);
      }
      // A failed storm ranks slowest.
      const m = medianRun(runs, (run) => -(run.failed ? Infinity : run.all.max));
      if (runs.length > 1) results.detail(`  reported: ${what} ${runs.indexOf(m) + 1}, the median`);
      return m;
    };
    const m = await storms(repeats, 0, 'storm');
    results.put(STORM.all!, kind, m.failed ? null : m.all.max / 1000, failedNote(m));
    results.put(STORM.p50!, kind, m.all.percentile(50) / 1000);
    results.put(STORM.cpu!, kind, m.cpu.cpuMs);
    if (m.store) results.put(STORM.reads!, kind, m.store.messages, storeNote(m.store));
    // The baselines keep no presence (an outage is the storm above for them) and no history
    // across a restart.
    if (kind !== 'segmentchat') return;
    if (outageRepeats > 0) {
      const o = await storms(outageRepeats, SEGMENTCHAT_PRESENCE_GRACE_MS + 1000, 'storm after an outage');
      results.put(STORM.outageAll!, kind, o.failed ? null : o.all.max / 1000, failedNote(o));
      results.put(STORM.outageCpu!, kind, o.cpu.cpuMs);
    }
    if (restartRepeats > 0) {
      const o = await storms(restartRepeats, 0, 'storm into a restarted server', true);
      results.put(STORM.restartAll!, kind, o.failed ? null : o.all.max / 1000, failedNote(o));
      results.put(STORM.restartCpu!, kind, o.cpu.cpuMs);
      if (o.store) results.put(STORM.restartReads!, kind, o.store.messages, storeNote(o.store));
    }
  });
}

function storeNote(reads: StoreReads): string {
  return `${reads.pages} ${reads.pages === 1 ? 'page' : 'pages'}; ${reads.shared} served from cache`;
}

function failedNote(run: StormRun): string | undefined {
  return run.failed ? `${run.failed} not caught up` : undefined;
}

interface StormRun {
  all: Histogram;
  caughtUp: number;
  fetched: number;
  failed: number;
  firstError: string | undefined;
  cpu: { cpuMs: number; waitMs: number };
  /** What the server read from its store to answer the storm, where `/metrics` says. */
  store: StoreReads | undefined;
  generatorCpuMs: number;
  generatorWaitMs: number;
  /** What `/metrics` counted during the storm, as `name +delta` pairs. */
  metrics: string;
}

/**
 * Everyone leaves, `missed` messages are posted, everyone comes back at once, `awayMs` after
 * leaving at the earliest; with `restart`, into a server restarted meanwhile (a deploy: new
 * process, cold code, presence starting over).
 */
async function oneStorm(
  s: TargetSession,
  room: string,
  clients: number,
  missed: number,
  payloadBytes: number,
  awayMs: number,
  restart: boolean,
): Promise<StormRun> {
  const leftAt = Date.now();
  const sender = await coordinatorClient(s, clients);
  await sender.join(room);
  await s.pool.all({ op: 'disconnect' });
  for (let i = 0; i < missed; i += 1)
    await sender.sendAcked(room, markerText(nowUs(), clients, 0, payloadBytes));
  await sender.close();
  if (restart) await s.server.restart();
  await sleep(Math.max(500, leftAt + awayMs - Date.now()));
  const metricsBefore = await scrapeMetrics(s.server.url);
  const startUs = nowUs() + 300_000;
  const storm = s.pool.all<StormResult>({ op: 'storm', startUs, expected: missed, timeoutMs: 60_000 });
  await sleep((startUs - nowUs()) / 1000);
  const meter = new CpuMeter(s.server.pid);
  const done = await storm;
  const cpu = meter.read();
  const metricsAfter = await scrapeMetrics(s.server.url);
  const all = new Histogram();
  let caughtUp = 0;
  let fetched = 0;
  for (const r of done) {
    all.merge(r.done);
    caughtUp += r.caughtUp;
    fetched += r.fetched;
  }
  const delta = (name: string) => (metricsAfter.get(name) ?? 0) - (metricsBefore.get(name) ?? 0);
  const store = metricsAfter.has('segmentchat_sync_pages_read_total')
    ? {
        pages: delta('segmentchat_sync_pages_read_total'),
        messages: delta('segmentchat_sync_messages_read_total'),
        shared: delta('segmentchat_sync_pages_shared_total'),
      }
    : undefined;
  const changed = [...metricsAfter].filter(([k, v]) => v !== metricsBefore.get(k) && !/_bucket\{/.test(k));
  return {
    all,
    caughtUp,
    fetched,
    failed: done.reduce((n, r) => n + r.failed, 0),
    firstError: done.find((r) => r.firstError)?.firstError,
    cpu,
    store,
    generatorCpuMs: Math.max(...done.map((r) => r.cpu.cpuMs)),
    generatorWaitMs: Math.max(...done.map((r) => r.cpu.waitMs)),
    metrics: changed.map(([k]) => `${k} +${delta(k)}`).join(', '),
  };
}

interface StoreReads {
  /** Sync pages read from the store, and the messages they held. */
  pages: number;
  messages: number;
  /** Pages served from the page cache instead. */
  shared: number;
}
