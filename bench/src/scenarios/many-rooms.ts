import type { ClientSpec, SendPlan } from '../generator/generator-commands.ts';
import type { BenchOptions } from '../options.ts';
import type { Metric, Results } from '../results.ts';
import {
  clientName,
  fmtLoad,
  membersByRoom,
  prepareRooms,
  runLoad,
  seededRandom,
  withTarget,
} from '../scenario-kit.ts';
import type { TargetKind } from '../targets.ts';

export const MANY: Record<string, Metric> = {
  rate: {
    id: 'many.rate',
    scenario: 'many',
    label: 'Many rooms: deliveries/s',
    unit: '/s',
    better: 'higher',
    digits: 0,
  },
  p99: { id: 'many.p99', scenario: 'many', label: 'Many rooms: p99', unit: 'ms', better: 'lower', digits: 2 },
  p999: {
    id: 'many.p999',
    scenario: 'many',
    label: 'Many rooms: p99.9',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  cpu: {
    id: 'many.cpu',
    scenario: 'many',
    label: 'Many rooms: server CPU per delivery',
    unit: 'us',
    better: 'lower',
    digits: 2,
  },
};

/** Room sizes uniform in [min, max] until every client has a room (same for every target). */
export function roomSizes(clients: number, min: number, max: number, random: () => number): number[] {
  const sizes: number[] = [];
  let left = clients;
  while (left > 0) {
    const size = Math.min(left, min + Math.floor(random() * (max - min + 1)));
    if (size < min && sizes.length > 0) sizes[sizes.length - 1]! += size;
    else sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * Scenario 2: every client in one room of 5–50 members; room activity is Zipf-distributed (the
 * k-th busiest room gets a share ∝ 1/k^s), and the total offered rate is set in deliveries/s.
 * Each room's first member is its sender.
 */
export async function manyRooms(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { clients, minRoom, maxRoom, zipf, rate, durationMs } = opts.many;
  const random = seededRandom(7);
  const sizes = roomSizes(clients, minRoom, maxRoom, random);
  // Busyness rank is independent of size: shuffle ranks with the same seed for every target.
  const ranks = sizes.map((_, i) => i + 1).sort(() => random() - 0.5);
  const weights = ranks.map((k) => 1 / k ** zipf);
  const total = weights.reduce((a, b) => a + b, 0);
  const deliveriesPerMsg = sizes.reduce((sum, size, i) => sum + (weights[i]! / total) * (size - 1), 0);
  const msgsPerSec = rate / deliveriesPerMsg;
  await withTarget(kind, opts, clients, async (s) => {
    const rooms = await prepareRooms(
      s,
      sizes.map((_, i) => `room-${i}`),
    );
    const specs: ClientSpec[] = [];
    const sends: SendPlan[] = [];
    for (const [r, size] of sizes.entries()) {
      const room = rooms[r]!;
      sends.push({ client: specs.length, room, rate: (msgsPerSec * weights[r]!) / total });
      for (let m = 0; m < size; m += 1)
        specs.push({ idx: specs.length, name: clientName(specs.length), rooms: [room] });
    }
    const setup = await s.pool.setup(specs);
    results.detail(
      `  ${sizes.length} rooms; setup: register ${setup.registerMs.toFixed(0)} ms, connect+join ${setup.connectMs.toFixed(0)} ms`,
    );
    const members = membersByRoom(specs);
    await runLoad(s, {
      kind: 'open',
      run: 1,
      durationMs: 1000,
      payloadBytes: opts.payloadBytes,
      sends,
      members,
    });
    const o = await runLoad(s, {
      kind: 'open',
      run: 2,
      durationMs,
      payloadBytes: opts.payloadBytes,
      sends,
      members,
      offeredDeliveriesPerSec: rate,
    });
    results.detail(`  offered ${rate.toLocaleString('en-US')}/s: ${fmtLoad(o)}`);
    const note = o.deliveredPct < 99.9 ? `${o.deliveredPct.toFixed(1)}% delivered` : undefined;
    results.put(MANY.rate!, kind, o.deliveriesPerSec, note);
    results.put(MANY.p99!, kind, o.latency.percentile(99) / 1000, note);
    results.put(MANY.p999!, kind, o.latency.percentile(99.9) / 1000, note);
    results.put(MANY.cpu!, kind, o.serverCpuUsPerDelivery);
  });
}
