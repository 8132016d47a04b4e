import type { ClientSpec, SendPlan } from '../generator/generator-commands.ts';
import type { Metric, Results } from '../results.ts';
import {
  clientName,
  fmtLoad,
  membersByRoom,
  prepareRooms,
  runLoad,
  settle,
  withTarget,
  type LoadOutcome,
} from '../scenario-kit.ts';
import type { BenchOptions } from '../options.ts';
import type { RunningTarget, StartOptions } from '../server-process.ts';
import type { TargetKind } from '../targets.ts';

const P99_LIMIT_US = 100_000;
const DELIVERED_MIN_PCT = 99.9;

function passed(o: LoadOutcome): boolean {
  return (
    o.latency.count > 0 && o.latency.percentile(99) <= P99_LIMIT_US && o.deliveredPct >= DELIVERED_MIN_PCT
  );
}

export const HOT: Record<string, Metric> = {
  knee: {
    id: 'hot.knee',
    scenario: 'hot',
    label: 'Hot room: deliveries/s at the knee',
    unit: '/s',
    better: 'higher',
    digits: 0,
    goal: {
      text: '≥ 5× Socket.IO',
      met: (v, row) => {
        const base = row.get('socketio');
        if (base === undefined || base === null || base <= 0) return null;
        return v >= 5 * base;
      },
    },
  },
  cpu100k: {
    id: 'hot.cpu100k',
    scenario: 'hot',
    label: 'Hot room: server CPU per delivery @100k/s',
    unit: 'us',
    better: 'lower',
    digits: 2,
    goal: { text: '≤ 0.5 us', met: (v) => v <= 0.5 },
  },
  cpuKnee: {
    id: 'hot.cpuKnee',
    scenario: 'hot',
    label: 'Hot room: server CPU per delivery at the knee',
    unit: 'us',
    better: 'lower',
    digits: 2,
    goal: { text: '≤ 0.5 us', met: (v) => v <= 0.5 },
  },
  cpu500k: {
    id: 'hot.cpu500k',
    scenario: 'hot',
    label: 'Hot room: server CPU per delivery @500k/s offered',
    unit: 'us',
    better: 'lower',
    digits: 2,
    goal: { text: '≤ 0.5 us', met: (v) => v <= 0.5 },
  },
  p50: {
    id: 'hot.p50',
    scenario: 'hot',
    label: 'Hot room: p50 @100k/s',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  p99: {
    id: 'hot.p99',
    scenario: 'hot',
    label: 'Hot room: p99 @100k/s',
    unit: 'ms',
    better: 'lower',
    digits: 2,
    goal: { text: '< 10 ms', met: (v) => v < 10 },
  },
  wait: {
    id: 'hot.wait',
    scenario: 'hot',
    label: 'Hot room: server waited for its core @100k/s (other load)',
    unit: '%',
    better: 'lower',
    digits: 1,
    noRatio: true,
  },
  p999: {
    id: 'hot.p999',
    scenario: 'hot',
    label: 'Hot room: p99.9 @100k/s',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  serverMs: {
    id: 'hot.serverMs',
    scenario: 'hot',
    label: 'Hot room: in the server @100k/s, commit + fan-out to the last member (mean, from /metrics)',
    unit: 'ms',
    better: 'lower',
    digits: 2,
    noRatio: true,
  },
  writeUs: {
    id: 'hot.writeUs',
    scenario: 'hot',
    label: "Hot room: one member's socket write in fan-out @100k/s (mean, from /metrics)",
    unit: 'us',
    better: 'lower',
    digits: 2,
    noRatio: true,
  },
  p99at500k: {
    id: 'hot.p99at500k',
    scenario: 'hot',
    label: 'Hot room: p99 @500k/s',
    unit: 'ms',
    better: 'lower',
    digits: 2,
    goal: { text: '< 50 ms', met: (v) => v < 50 },
  },
};

export function hotRoomClients(members: number, room: string): ClientSpec[] {
  return Array.from({ length: members }, (_, idx) => ({ idx, name: clientName(idx), rooms: [room] }));
}

export function sendPlans(
  senders: number,
  room: string,
  deliveriesPerSec: number,
  members: number,
): SendPlan[] {
  const msgsPerSec = deliveriesPerSec / (members - 1);
  return Array.from({ length: senders }, (_, client) => ({ client, room, rate: msgsPerSec / senders }));
}

/**
 * Scenario 1: one room, `members` clients, `senders` of them posting. The offered rate goes up
 * step by step until p99 passes 100 ms or fewer than 99.9% of deliveries arrive; the knee is the
 * last step that passed. `onServer` lets the caller profile the server while it runs.
 */
export async function hotRoom(
  kind: TargetKind,
  opts: BenchOptions,
  results: Results,
  start: StartOptions = {},
  onServer?: (server: RunningTarget) => void,
): Promise<LoadOutcome[]> {
  const { members, senders, rates, stepMs } = opts.hot;
  const steps: LoadOutcome[] = [];
  await withTarget(
    kind,
    opts,
    members,
    async (s) => {
      onServer?.(s.server);
      const [room] = await prepareRooms(s, ['hot-room']);
      const specs = hotRoomClients(members, room!);
      const setup = await s.pool.setup(specs);
      results.detail(
        `  setup: register ${setup.registerMs.toFixed(0)} ms, connect+join ${setup.connectMs.toFixed(0)} ms`,
      );
      const roomMembers = membersByRoom(specs);
      const step = (run: number, rate: number, durationMs: number) =>
        runLoad(s, {
          kind: 'open',
          run,
          durationMs,
          payloadBytes: opts.payloadBytes,
          sends: sendPlans(senders, room!, rate, members),
          members: roomMembers,
          offeredDeliveriesPerSec: rate,
        });
      await step(1, rates[0]!, Math.min(1000, stepMs)); // warm-up: JIT, caches
      let knee: LoadOutcome | null = null;
      const byRate = new Map<number, LoadOutcome>();
      for (const [i, rate] of rates.entries()) {
        await settle(s);
        const o = await step(i + 2, rate, stepMs);
        byRate.set(rate, o);
        steps.push(o);
        const pass = passed(o);
        const bound = o.genCorePct > 90 ? ' [generator-bound]' : '';
        results.detail(
          `  ${pass ? 'ok  ' : 'FAIL'} offered ${rate.toLocaleString('en-US')}/s: ${fmtLoad(o)}${bound}`,
        );
        // Past the knee, keep going to the fixed points every target reports (100k/s latency,
        // 500k/s CPU per delivery: busy enough that a batching server shows its batching).
        // The knee is the highest step that passed: on a shared machine a low step can fail on
        // interference alone, which must not hide a server that keeps up at higher rates, nor
        // stop the sweep while it still keeps up.
        if (pass) knee = o;
        if (!pass && rate >= 500e3) break;
      }
      const ms = (us: number) => us / 1000;
      const at100k = byRate.get(100e3);
      const past = 'past the knee';
      results.put(
        HOT.knee!,
        kind,
        knee ? knee.deliveriesPerSec : null,
        !knee ? 'no step passed' : knee.genCorePct > 90 ? 'generator-bound' : undefined,
      );
      results.put(HOT.cpuKnee!, kind, knee ? knee.serverCpuUsPerDelivery : null);
      const ok100 = at100k && passed(at100k);
      results.put(
        HOT.cpu100k!,
        kind,
        at100k ? at100k.serverCpuUsPerDelivery : null,
        ok100 ? undefined : past,
      );
      results.put(
        HOT.p50!,
        kind,
        at100k?.latency.count ? ms(at100k.latency.percentile(50)) : null,
        ok100 ? undefined : past,
      );
      results.put(
        HOT.p99!,
        kind,
        at100k?.latency.count ? ms(at100k.latency.percentile(99)) : null,
        ok100 ? undefined : past,
      );
      results.put(
        HOT.p999!,
        kind,
        at100k?.latency.count ? ms(at100k.latency.percentile(99.9)) : null,
        ok100 ? undefined : past,
      );
      if (at100k) {
        const wallMs = (at100k.endUs - at100k.startUs) / 1000;
        results.put(HOT.wait!, kind, (100 * at100k.serverWaitMs) / wallMs);
      }
      const side = at100k?.serverSide;
      if (side) {
        results.put(HOT.serverMs!, kind, side.commitMs + side.fanoutMs);
        results.put(HOT.writeUs!, kind, side.usPerWrite);
      }
      const at500k = byRate.get(500e3);
      results.put(
        HOT.cpu500k!,
        kind,
        at500k && at500k.delivered > 0 ? at500k.serverCpuUsPerDelivery : null,
        at500k ? `${Math.round(at500k.deliveriesPerSec / 1000)}k/s delivered` : 'not reached',
      );
      const ok500 = at500k && passed(at500k);
      results.put(
        HOT.p99at500k!,
        kind,
        at500k?.latency.count ? ms(at500k.latency.percentile(99)) : null,
        ok500 ? undefined : past,
      );
    },
    start,
  );
  return steps;
}
