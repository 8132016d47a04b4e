import type { Metric, Results } from '../results.ts';
import { fmtLoad, membersByRoom, prepareRooms, runLoad, settle, withTarget } from '../scenario-kit.ts';
import type { BenchOptions } from '../options.ts';
import type { TargetKind } from '../targets.ts';
import { hotRoomClients } from './hot-room.ts';

export const BURST: Record<string, Metric> = {
  cpu: {
    id: 'burst.cpu',
    scenario: 'burst',
    label: 'Hot room bursts: server CPU per delivery',
    unit: 'us',
    better: 'lower',
    digits: 2,
    goal: { text: '≤ 0.5 us', met: (v) => v <= 0.5 },
  },
  rate: {
    id: 'burst.rate',
    scenario: 'burst',
    label: 'Hot room bursts: deliveries/s (average)',
    unit: '/s',
    better: 'higher',
    digits: 0,
  },
  p99: {
    id: 'burst.p99',
    scenario: 'burst',
    label: 'Hot room bursts: p99 from the burst until the last member has it',
    unit: 'ms',
    better: 'lower',
    digits: 1,
  },
};

/**
 * Scenario 1b, the conditions the CPU figures were measured under (ws relay 4.9 us,
 * Socket.IO 6.2 us, ngIRCd 0.3 us per delivery): one room of `members`, `senders` of them each
 * posting `burst` messages back to back, all at the same instant, every `everyMs`. A server that
 * reads all it can before it writes sends a burst to each member in a few writes; one that writes
 * per message pays a write per message per member.
 */
export async function hotBursts(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { members, senders, burst, everyMs, durationMs } = opts.burst;
  await withTarget(kind, opts, members, async (s) => {
    const [room] = await prepareRooms(s, ['burst-room']);
    const specs = hotRoomClients(members, room!);
    await s.pool.setup(specs);
    const messagesPerSec = (senders * burst * 1000) / everyMs;
    const run = (n: number, ms: number) =>
      runLoad(s, {
        kind: 'open',
        run: n,
        durationMs: ms,
        payloadBytes: opts.payloadBytes,
        sends: Array.from({ length: senders }, (_, client) => ({
          client,
          room: room!,
          rate: messagesPerSec / senders,
          burst,
        })),
        members: membersByRoom(specs),
        offeredDeliveriesPerSec: messagesPerSec * (members - 1),
      });
    await run(1, Math.min(1000, durationMs)); // warm-up: JIT, caches
    await settle(s);
    const o = await run(2, durationMs);
    results.detail(
      `  ${senders} senders x ${burst} messages every ${everyMs} ms into ${members} members: ${fmtLoad(o)}`,
    );
    const complete = o.deliveredPct >= 99.9;
    const note = complete ? undefined : `${o.deliveredPct.toFixed(1)}% delivered`;
    results.put(BURST.cpu!, kind, o.delivered > 0 ? o.serverCpuUsPerDelivery : null, note);
    results.put(BURST.rate!, kind, o.deliveriesPerSec, note);
    results.put(BURST.p99!, kind, o.latency.count ? o.latency.percentile(99) / 1000 : null, note);
  });
}
