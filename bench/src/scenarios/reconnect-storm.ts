import type { StormResult } from '../generator/generator-commands.ts';
import { Histogram } from '../histogram.ts';
import { nowUs, sleep } from '../mono-clock.ts';
import type { BenchOptions } from '../options.ts';
import { CpuMeter } from '../proc-stats.ts';
import { scrapeMetrics } from '../server-metrics.ts';
import type { Metric, Results } from '../results.ts';
import { coordinatorClient, membersByRoom, prepareRooms, withTarget } from '../scenario-kit.ts';
import type { TargetKind } from '../targets.ts';
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
};

/**
 * Scenario 4: `clients` members of one room disconnect, `missed` messages are posted, then all
 * reconnect at the same instant and fetch what they missed (SegmentChat: hello + `sync` from their
 * cursors; baselines: join + their in-memory `sync`). Measured: time until the last one has
 * everything, and the server CPU (and, where `/metrics` says, the store reads) it took.
 */
export async function reconnectStorm(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { clients, missed } = opts.storm;
  await withTarget(kind, opts, clients, async (s) => {
    const [room] = await prepareRooms(s, ['storm-room']);
    const specs = hotRoomClients(clients, room!);
    await s.pool.setup(specs);
    const sender = await coordinatorClient(s, clients);
    await sender.join(room!);
    await s.pool.all({ op: 'disconnect' });
    for (let i = 0; i < missed; i += 1)
      await sender.sendAcked(room!, markerText(nowUs(), clients, 0, opts.payloadBytes));
    await sender.close();
    await sleep(500);
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
    const failed = done.reduce((n, r) => n + r.failed, 0);
    const firstError = done.find((r) => r.firstError)?.firstError;
    results.detail(
      `  ${caughtUp}/${clients} caught up (${fetched} messages fetched, ${membersByRoom(specs).size} room); ` +
        `last after ${(all.max / 1000).toFixed(0)} ms, p50 ${(all.percentile(50) / 1000).toFixed(0)} ms; ` +
        `server CPU ${cpu.cpuMs.toFixed(0)} ms (waited ${cpu.waitMs.toFixed(0)} ms for a core), ` +
        `busiest generator CPU ${Math.max(...done.map((r) => r.cpu.cpuMs)).toFixed(0)} ms ` +
        `(waited ${Math.max(...done.map((r) => r.cpu.waitMs)).toFixed(0)} ms)` +
        (failed ? `; ${failed} failed: ${firstError}` : ''),
    );
    const changed = [...metricsAfter].filter(([k, v]) => v !== metricsBefore.get(k) && !/_bucket\{/.test(k));
    if (changed.length) {
      results.detail(
        `  /metrics during the storm: ${changed.map(([k, v]) => `${k} +${v - (metricsBefore.get(k) ?? 0)}`).join(', ')}`,
      );
    }
    const note = failed ? `${failed} not caught up` : undefined;
    results.put(STORM.all!, kind, failed ? null : all.max / 1000, note);
    results.put(STORM.p50!, kind, all.percentile(50) / 1000);
    results.put(STORM.cpu!, kind, cpu.cpuMs);
  });
}
