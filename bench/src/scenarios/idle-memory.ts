import type { ClientSpec, SetupResult } from '../generator/generator-commands.ts';
import { collectGarbage } from '../inspector-gc.ts';
import { sleep } from '../mono-clock.ts';
import type { BenchOptions } from '../options.ts';
import { rssBytes } from '../proc-stats.ts';
import type { Metric, Results } from '../results.ts';
import { clientName, prepareRooms, withTarget } from '../scenario-kit.ts';
import type { TargetKind } from '../targets.ts';

function idleMetric(count: number): Metric {
  return {
    id: `idle.${count}`,
    scenario: 'idle',
    label: `Idle: server memory per client @${count.toLocaleString('en-US')}`,
    unit: 'KB',
    better: 'lower',
    digits: 1,
    goal: { text: '≤ 6 KB', met: (v) => v <= 6 },
  };
}

/**
 * The growth from one reading to the next, per client added: what one more client costs without
 * the one-off costs that the first readings carry (caches such as SQLite's 2 MB page cache filling
 * as accounts sign in, code compiled for the sign-in path), which spread over 5,000 clients weigh
 * about three times as much as over 15,000.
 */
function marginalMetric(from: number, to: number): Metric {
  return {
    id: `idle.${from}-${to}`,
    scenario: 'idle',
    label: `Idle: server memory per client added from ${from.toLocaleString('en-US')} to ${to.toLocaleString('en-US')}`,
    unit: 'KB',
    better: 'lower',
    digits: 1,
  };
}

/**
 * Scenario 3: RSS growth per connected, signed-in, subscribed client. All accounts exist before
 * the reference reading, so what is measured is the connection and its subscription, not the
 * account. Each reading follows a full garbage collection (`inspector-gc.ts`). Clients connect in stages (e.g. 5,000 then 15,000 in total), spread over several
 * generator processes because one process may open only ~20,000 files.
 */
export async function idleMemory(kind: TargetKind, opts: BenchOptions, results: Results): Promise<void> {
  const { counts, roomSize, settleMs } = opts.idle;
  const max = Math.max(...counts);
  await withTarget(
    kind,
    opts,
    max,
    async (s) => {
      const rooms = await prepareRooms(
        s,
        Array.from({ length: Math.ceil(max / roomSize) }, (_, i) => `idle-${i}`),
      );
      const specs: ClientSpec[] = Array.from({ length: max }, (_, idx) => ({
        idx,
        name: clientName(idx),
        rooms: [rooms[Math.floor(idx / roomSize)]!],
      }));
      const parts = s.pool.assign(specs);
      const failures = (phase: string, res: SetupResult[]) => {
        const failed = res.reduce((n, r) => n + r.failed, 0);
        if (failed)
          throw new Error(`${phase}: ${failed} failed: ${res.find((r) => r.firstError)?.firstError}`);
      };
      failures(
        'register',
        await s.pool.all<SetupResult>((i) => ({ op: 'register', clients: parts[i]!, concurrency: 16 })),
      );
      const settledRss = async () => {
        await sleep(settleMs);
        const inspector = s.server.inspector();
        if (!inspector) throw new Error(`${kind} printed no inspector address`);
        await collectGarbage(inspector);
        await sleep(1000); // pages freed by the collection are returned to the system after it
        return rssBytes(s.server.pid);
      };
      const before = await settledRss();
      await heapSnapshot(s.server.pid, 0);
      let connected = 0;
      let previousRss = before;
      for (const count of [...counts].sort((a, b) => a - b)) {
        const batch = specs.slice(connected, count);
        const home = s.pool.assign(batch);
        failures(
          'connect',
          await s.pool.all<SetupResult>((i) => ({ op: 'connect', clients: home[i]!, concurrency: 64 })),
        );
        connected = count;
        const rss = await settledRss();
        const perClient = (rss - before) / count / 1024;
        results.detail(
          `  ${count} clients: server RSS ${(before / 2 ** 20).toFixed(1)} → ${(rss / 2 ** 20).toFixed(1)} MiB, ${perClient.toFixed(2)} KB/client`,
        );
        results.put(idleMetric(count), kind, perClient);
        if (batch.length < count) {
          const added = (rss - previousRss) / batch.length / 1024;
          results.detail(
            `  the ${batch.length} clients added since the last reading: ${added.toFixed(2)} KB/client`,
          );
          results.put(marginalMetric(count - batch.length, count), kind, added);
        }
        previousRss = rss;
        await heapSnapshot(s.server.pid, count);
      }
    },
    { nodeFlags: ['--inspect=127.0.0.1:0'] },
  );
}

/**
 * With `BENCH_IDLE_HEAP_SNAPSHOTS=1` and the server started with `--heapsnapshot-signal=SIGUSR2`
 * (`BENCH_SERVER_NODE_FLAGS`), asks for a heap snapshot after each reading, for
 * `bench/src/heap-diff.ts`. Taken after the RSS is read; the memory a snapshot takes stays in
 * the process, so the readings after the first are not memory per client any more.
 */
async function heapSnapshot(pid: number, clients: number): Promise<void> {
  if (process.env.BENCH_IDLE_HEAP_SNAPSHOTS !== '1') return;
  console.log(`  heap snapshot of the server at ${clients} clients (SIGUSR2 to ${pid})`);
  process.kill(pid, 'SIGUSR2');
  await sleep(20_000); // writing a few hundred MB of snapshot takes a while; the server is paused
}
