import type { BenchOptions } from '../options.ts';
import type { Metric, Results } from '../results.ts';
import { fmtLoad, membersByRoom, prepareRooms, runLoad, settle, withTarget } from '../scenario-kit.ts';
import type { TargetKind } from '../targets.ts';
import { hotRoomClients, sendPlans } from './hot-room.ts';

export const SLOW: Record<string, Metric> = {
  p99Base: {
    id: 'slow.p99Base',
    scenario: 'slow',
    label: 'Slow consumers: others p99, none slow',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  p99Slow: {
    id: 'slow.p99Slow',
    scenario: 'slow',
    label: 'Slow consumers: others p99, 1% slow',
    unit: 'ms',
    better: 'lower',
    digits: 2,
  },
  rssBase: {
    id: 'slow.rssBase',
    scenario: 'slow',
    label: 'Slow consumers: server RSS growth, none slow',
    unit: 'MB',
    better: 'lower',
    digits: 1,
  },
  rssSlow: {
    id: 'slow.rssSlow',
    scenario: 'slow',
    label: 'Slow consumers: server RSS growth, 1% slow',
    unit: 'MB',
    better: 'lower',
    digits: 1,
  },
  closed: {
    id: 'slow.closed',
    scenario: 'slow',
    label: 'Slow consumers: slow clients cut off by the server',
    unit: '',
    better: 'higher',
    digits: 0,
    noRatio: true,
  },
};

/**
 * Scenario 6: a hot room at a fixed rate, once with everyone reading and once with a few
 * clients (1%) that read one event-loop turn per second. The others' p99 should not move, and the
 * server's memory should stay bounded (a per-socket buffer cap) instead of queueing for the slow.
 */
export async function slowConsumers(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { members, senders, percent, rate, payloadBytes, durationMs } = opts.slow;
  await withTarget(kind, opts, members, async (s) => {
    const [room] = await prepareRooms(s, ['slow-room']);
    const specs = hotRoomClients(members, room!);
    await s.pool.setup(specs);
    const roomMembers = membersByRoom(specs);
    const slowCount = Math.max(1, Math.round((members * percent) / 100));
    // Slow clients are never senders: spread them over the non-senders.
    const stride = Math.floor((members - senders) / slowCount);
    const slow = Array.from({ length: slowCount }, (_, i) => senders + i * stride);
    const sends = sendPlans(senders, room!, rate, members);
    const load = (run: number, ms: number, slowOnes: number[]) =>
      runLoad(s, {
        kind: 'open',
        run,
        durationMs: ms,
        payloadBytes,
        sends,
        members: roomMembers,
        slow: slowOnes,
        slowMembers: new Map([[room!, slowOnes.length]]),
        offeredDeliveriesPerSec: rate,
      });
    await load(1, 1000, []);
    const base = await load(2, durationMs, []);
    await settle(s);
    const withSlow = await load(3, durationMs, slow);
    const mb = (b: number) => b / 1e6;
    results.detail(
      `  none slow: ${fmtLoad(base)}, RSS +${mb(base.serverRssMax - base.serverRssStart).toFixed(1)} MB`,
    );
    results.detail(
      `  ${slowCount} slow: ${fmtLoad(withSlow)}, RSS +${mb(withSlow.serverRssMax - withSlow.serverRssStart).toFixed(1)} MB, ` +
        `slow clients got ${withSlow.slowDelivered} deliveries`,
    );
    const cutOff = Object.values(withSlow.closes).reduce((a, b) => a + b, 0);
    const p99 = (o: typeof base) => (o.latency.count > 0 ? o.latency.percentile(99) / 1000 : null);
    const pct = (o: typeof base) =>
      o.deliveredPct < 99.9 ? `${o.deliveredPct.toFixed(1)}% delivered` : undefined;
    results.put(SLOW.p99Base!, kind, p99(base), pct(base));
    results.put(SLOW.p99Slow!, kind, p99(withSlow), pct(withSlow));
    results.put(SLOW.rssBase!, kind, mb(base.serverRssMax - base.serverRssStart));
    results.put(SLOW.rssSlow!, kind, mb(withSlow.serverRssMax - withSlow.serverRssStart));
    results.put(SLOW.closed!, kind, cutOff, `of ${slowCount}`);
  });
}
