/**
 * `npm run bench`: starts each target as its own process, drives it with the same generator
 * processes, stops it by pid, and prints one table with SegmentChat's ratios to the baselines
 * (also written to docs/performance.md). `npm run bench -- --help` lists the flags.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout, pinSelf } from './cpu-layout.ts';
import { killAllGenerators } from './generator-pool.ts';
import { parseOptions, type BenchOptions, type ScenarioName } from './options.ts';
import { formatProfile, summarizeProfile } from './profile-summary.ts';
import { machineLine, resultTable, serverVersionLine, writePerformanceDoc } from './report.ts';
import { Results } from './results.ts';
import { killAllServers } from './server-process.ts';
import { hotRoom } from './scenarios/hot-room.ts';
import { idleMemory } from './scenarios/idle-memory.ts';
import { manyRooms } from './scenarios/many-rooms.ts';
import { reconnectStorm } from './scenarios/reconnect-storm.ts';
import { slowConsumers } from './scenarios/slow-consumers.ts';
import { storeThroughput } from './scenarios/store-throughput.ts';
import { REPO_ROOT, segmentChatAvailable, TARGET_LABEL, type TargetKind } from './targets.ts';

const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

const TITLES: Record<ScenarioName, string> = {
  hot: '1. Hot room',
  many: '2. Many rooms',
  idle: '3. Idle connections',
  storm: '4. Reconnect storm',
  store: '5. Store throughput',
  slow: '6. Slow consumers',
};

function cleanupAndExit(code: number): never {
  killAllGenerators();
  killAllServers();
  process.exit(code);
}

/** Hot room for SegmentChat under `--cpu-prof`: where its CPU goes per delivery, at the knee. */
async function profiledHotRoom(opts: BenchOptions, results: Results): Promise<string | null> {
  const dir = join(RESULTS_DIR, `profile-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const steps = await hotRoom('segmentchat', opts, results, {
    nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'],
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  // The busiest step that still delivered (nearly) everything: the fan-out path at full stretch.
  const complete = steps.filter((s) => s.deliveredPct >= 99);
  const step = [...(complete.length ? complete : steps)].sort((a, b) => b.delivered - a.delivered)[0];
  if (!file || !step) return null;
  const path = join(dir, file);
  const deliveries = step.delivered + step.slowDelivered;
  const summary = summarizeProfile(path, step.startUs, step.endUs, deliveries);
  return (
    `Profile of the hot-room step at ${step.offeredDeliveriesPerSec.toLocaleString('en-US')} offered deliveries/s ` +
    `(server CPU from /proc: ${step.serverCpuUsPerDelivery.toFixed(3)} us/delivery, all threads), file ${path.slice(REPO_ROOT.length)}:\n\n` +
    formatProfile(summary, deliveries)
  );
}

async function main(): Promise<void> {
  pinSelf();
  const argv = process.argv.slice(2);
  const opts = parseOptions(argv);
  layout.nice = opts.nice;
  if (opts.targets.includes('segmentchat') && !segmentChatAvailable()) {
    console.warn('SegmentChat server (packages/server/src/main.ts) not found: running the baselines only.');
    opts.targets = opts.targets.filter((t) => t !== 'segmentchat');
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const started = new Date();
  const serverVersion = serverVersionLine();
  const results = new Results();
  console.log(`SegmentChat benchmark${opts.quick ? ' (quick)' : ''}: ${machineLine()}`);
  let profile: string | null = null;
  for (const scenario of opts.scenarios) {
    for (const target of opts.targets) {
      results.detail(`[${TITLES[scenario]}] ${TARGET_LABEL[target]}`);
      const t0 = performance.now();
      try {
        if (scenario === 'hot' && target === 'segmentchat' && opts.cpuProf) {
          profile = await profiledHotRoom(opts, results);
        } else {
          await runScenario(scenario, target, opts, results);
        }
      } catch (err) {
        results.detail(
          `  FAILED: ${err instanceof Error ? err.message.split('\n').slice(0, 6).join(' / ') : String(err)}`,
        );
      }
      console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  const table = resultTable(results, opts.targets);
  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  console.log(`\n${table}\n`);
  if (profile) console.log(`${profile}\n`);
  const section = [
    `## Latest run`,
    '',
    `- Command: \`${command}\` (${seconds.toFixed(0)} s)`,
    `- Date: ${started.toISOString()}`,
    `- Machine: ${machineLine()}`,
    `- SegmentChat: ${serverVersion}`,
    '',
    table,
    '',
    ...(profile ? ['### Where SegmentChat spends its CPU in the hot room', '', profile, ''] : []),
    '### Run log',
    '',
    '```',
    ...results.details,
    '```',
  ].join('\n');
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS_DIR, `run-${stamp}.md`), `${section}\n`);
  if (opts.write) console.log(`Wrote ${writePerformanceDoc(section)}`);
}

function runScenario(
  scenario: ScenarioName,
  target: TargetKind,
  opts: BenchOptions,
  results: Results,
): Promise<unknown> {
  switch (scenario) {
    case 'hot':
      return hotRoom(target, opts, results);
    case 'many':
      return manyRooms(target, opts, results);
    case 'idle':
      return idleMemory(target, opts, results);
    case 'storm':
      return reconnectStorm(target, opts, results);
    case 'store':
      return storeThroughput(target, opts, results);
    case 'slow':
      return slowConsumers(target, opts, results);
  }
}

process.once('SIGINT', () => cleanupAndExit(130));
process.once('SIGTERM', () => cleanupAndExit(143));
main().then(
  () => cleanupAndExit(0),
  (err: unknown) => {
    console.error(err);
    cleanupAndExit(1);
  },
);
