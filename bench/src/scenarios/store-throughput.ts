import type { ClientSpec, SendPlan } from '../generator/generator-commands.ts';
import type { BenchOptions } from '../options.ts';
import type { Metric, Results } from '../results.ts';
import { medianRun } from '../median-run.ts';
import {
  clientName,
  fmtLoad,
  membersByRoom,
  prepareRooms,
  runLoad,
  withTarget,
  type LoadOutcome,
} from '../scenario-kit.ts';
import type { StartOptions } from '../server-process.ts';
import type { TargetKind } from '../targets.ts';

export const STORE: Record<string, Metric> = {
  rate: {
    id: 'store.rate',
    scenario: 'store',
    label: 'Store: messages acked/s (SegmentChat: persisted)',
    unit: '/s',
    better: 'higher',
    digits: 0,
    goal: { text: '≥ 100,000/s', met: (v) => v >= 100e3 },
  },
  p99: {
    id: 'store.p99',
    scenario: 'store',
    label: 'Store: ack p99',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  cpu: {
    id: 'store.cpu',
    scenario: 'store',
    label: 'Store: server CPU per message',
    unit: 'us',
    better: 'lower',
    digits: 1,
  },
};

/**
 * Scenario 5: closed loop through the real send path. One sender per room keeps `window` sends
 * in flight; SegmentChat acks only after its grouped commit, so acks/s is messages persisted/s,
 * while every message still fans out to the room. The baselines ack without storing anything:
 * they show what the same path costs without durability. Returns the measured run (`start` lets
 * the caller profile the server during it): with `repeats`, the median of that many.
 */
export async function storeThroughput(
  kind: TargetKind,
  opts: BenchOptions,
  results: Results,
  start: StartOptions = {},
): Promise<LoadOutcome> {
  const { rooms: roomCount, members, window, durationMs, repeats } = opts.store;
  return withTarget(
    kind,
    opts,
    roomCount * members,
    async (s) => {
      const rooms = await prepareRooms(
        s,
        Array.from({ length: roomCount }, (_, i) => `store-${i}`),
      );
      const specs: ClientSpec[] = [];
      const sends: SendPlan[] = [];
      for (const room of rooms) {
        sends.push({ client: specs.length, room, rate: 0 });
        for (let m = 0; m < members; m += 1)
          specs.push({ idx: specs.length, name: clientName(specs.length), rooms: [room] });
      }
      await s.pool.setup(specs);
      const roomMembers = membersByRoom(specs);
      const load = (run: number, ms: number) =>
        runLoad(s, {
          kind: 'closed',
          run,
          durationMs: ms,
          payloadBytes: opts.payloadBytes,
          sends,
          window,
          members: roomMembers,
        });
      await load(1, 1000);
      const runs: LoadOutcome[] = [];
      for (let r = 0; r < repeats; r += 1) runs.push(await load(2 + r, durationMs));
      const o = medianRun(runs, (run) => run.acks);
      const perSec = (1000 * o.acks) / durationMs;
      const each =
        runs.length > 1
          ? ` (median of ${runs.map((run) => ((1000 * run.acks) / durationMs).toFixed(0)).join(', ')})`
          : '';
      results.detail(
        `  ${perSec.toFixed(0)} msgs/s acked${each} (${rooms.length} rooms x ${members}, window ${window}), ack p50 ` +
          `${(o.ackLatency.percentile(50) / 1000).toFixed(2)} ms p99 ${(o.ackLatency.percentile(99) / 1000).toFixed(2)} ms; ${fmtLoad(o)}`,
      );
      results.put(STORE.rate!, kind, perSec, kind === 'segmentchat' ? undefined : 'not persisted');
      results.put(STORE.p99!, kind, o.ackLatency.percentile(99) / 1000);
      results.put(STORE.cpu!, kind, o.acks > 0 ? (1000 * o.serverCpuMs) / o.acks : null);
      return o;
    },
    start,
  );
}
