/**
 * `npm run bench`: starts each target as its own process, drives it with the same generator
 * processes, stops it by pid, and prints one table with SegmentChat's ratios to the baselines
 * (also written to docs/performance.md). `npm run bench -- --help` lists the flags.
 */
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { layout, pinSelf } from './cpu-layout.ts';
import { killAllGenerators } from './generator-pool.ts';
import { parseOptions, type BenchOptions, type ScenarioName } from './options.ts';
import { flameSvg, flameTree } from './flame-graph.ts';
import {
  formatSplits,
  perfAvailable,
  PerfRecording,
  readSplits,
  SAMPLE_EVERY_US,
  type SplitRow,
} from './kernel-profile.ts';
import { formatProfile, readProfile, summarizeProfile } from './profile-summary.ts';
import { machineLine, resultTable, serverVersionLine, writePerformanceDoc } from './report.ts';
import { Results } from './results.ts';
import { killAllServers, type StartOptions } from './server-process.ts';
import { hotBursts } from './scenarios/hot-bursts.ts';
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
  burst: '1b. Hot room bursts',
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

/** Where SegmentChat's CPU went in one profiled scenario, for the report. */
interface ProfileReport {
  heading: string;
  text: string;
  /** The flame graph of the same window, and the name it takes in docs/ when the run is written there. */
  flame?: { path: string; docName: string };
}

/** The stretch of a profiled run to summarize, and the work done in it. */
interface ProfiledWindow {
  startUs: number;
  endUs: number;
  units: number;
  unit: 'delivery' | 'message';
  heading: string;
  /** What was measured, for the line above the tables. */
  intro: string;
}

/**
 * SegmentChat under `--cpu-prof`: where its CPU goes per delivery in the hot room (at the knee)
 * or per persisted message in the store scenario.
 */
async function profiled(
  scenario: 'hot' | 'store',
  opts: BenchOptions,
  results: Results,
): Promise<ProfileReport | null> {
  const dir = join(RESULTS_DIR, `profile-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const start = { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'] };
  // The server writes its profile as it exits, which is before the scenario returns.
  const w =
    scenario === 'hot' ? await hotRoomWindow(opts, results, start) : await storeWindow(opts, results, start);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file || !w) return null;
  const path = join(dir, file);
  const profile = readProfile(path);
  const summary = summarizeProfile(profile, w.startUs, w.endUs, w.units);
  const flamePath = join(dir, `flame-${scenario}.svg`);
  const tree = flameTree(profile, w.startUs, w.endUs);
  writeFileSync(flamePath, flameSvg(tree, { title: w.heading, units: w.units, unit: w.unit }));
  return {
    heading: w.heading,
    text:
      `${w.intro}, file ${path.slice(REPO_ROOT.length)}, flame graph ${flamePath.slice(REPO_ROOT.length)}:\n\n` +
      formatProfile(summary, w.units, w.unit),
    flame: { path: flamePath, docName: `performance-flame-${scenario}.svg` },
  };
}

/** The busiest hot-room step that still delivered (nearly) everything: the fan-out path at full stretch. */
async function hotRoomWindow(
  opts: BenchOptions,
  results: Results,
  start: StartOptions,
): Promise<ProfiledWindow | null> {
  const steps = await hotRoom('segmentchat', opts, results, start);
  const complete = steps.filter((s) => s.deliveredPct >= 99);
  const step = [...(complete.length ? complete : steps)].sort((a, b) => b.delivered - a.delivered)[0];
  if (!step) return null;
  return {
    startUs: step.startUs,
    endUs: step.endUs,
    units: step.delivered + step.slowDelivered,
    unit: 'delivery',
    heading: 'Where SegmentChat spends its CPU in the hot room',
    intro:
      `Profile of the hot-room step at ${step.offeredDeliveriesPerSec.toLocaleString('en-US')} offered deliveries/s ` +
      `(server CPU from /proc: ${step.serverCpuUsPerDelivery.toFixed(3)} us/delivery, all threads)`,
  };
}

/** The measured store run: the send path from frame to grouped commit to fan-out. */
async function storeWindow(
  opts: BenchOptions,
  results: Results,
  start: StartOptions,
): Promise<ProfiledWindow | null> {
  const o = await storeThroughput('segmentchat', opts, results, start);
  if (o.acks === 0) return null;
  return {
    startUs: o.startUs,
    endUs: o.endUs,
    units: o.acks,
    unit: 'message',
    heading: 'Where SegmentChat spends its CPU in the store scenario',
    intro:
      `Profile of the measured store run, ${o.acks.toLocaleString('en-US')} messages persisted and ` +
      `${o.delivered.toLocaleString('en-US')} delivered (server CPU from /proc: ` +
      `${((1000 * o.serverCpuMs) / o.acks).toFixed(1)} us per message, all threads)`,
  };
}

/**
 * A target's server sampled by Linux `perf` with kernel call stacks: its CPU per delivery (hot
 * room, every step) or per acked message (store), by layer. A run of its own, like `--cpu-prof`'s.
 * Every target gets one, so that what SegmentChat adds to a bare relay shows layer by layer.
 */
async function kernelProfiled(
  scenario: 'hot' | 'store',
  target: TargetKind,
  opts: BenchOptions,
): Promise<ProfileReport | null> {
  const dir = join(RESULTS_DIR, `perf-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const data = join(dir, 'perf.data');
  let recording: PerfRecording | undefined;
  const start: StartOptions = { onStarted: (pid) => (recording = PerfRecording.start(pid, data)) };
  let rows: Omit<SplitRow, 'split'>[];
  let windows: { fromUs: number; toUs: number }[];
  if (scenario === 'hot') {
    const steps = await hotRoom(target, opts, new Results(), start);
    rows = steps.map((s) => ({
      label: `${s.offeredDeliveriesPerSec.toLocaleString('en-US')}/s (${s.deliveredPct.toFixed(1)}% delivered; /proc: ${s.serverCpuUsPerDelivery.toFixed(2)})`,
      units: s.delivered + s.slowDelivered,
    }));
    windows = steps.map((s) => ({ fromUs: s.startUs, toUs: s.endUs }));
  } else {
    const o = await storeThroughput(target, opts, new Results(), start);
    rows = [
      {
        label: `${o.acks.toLocaleString('en-US')} acked (/proc: ${((1000 * o.serverCpuMs) / Math.max(1, o.acks)).toFixed(2)})`,
        units: o.acks,
      },
    ];
    windows = [{ fromUs: o.startUs, toUs: o.endUs }];
  }
  await recording?.stop();
  if (!recording) return null;
  const splits = await readSplits(data, windows);
  const table = formatSplits(
    rows.map((r, i) => ({ ...r, split: splits[i]! })),
    scenario === 'hot' ? 'offered' : 'store run',
    scenario === 'hot' ? 'delivery' : 'message',
  );
  return {
    heading: `Where ${TARGET_LABEL[target]}'s CPU goes by layer in the ${scenario === 'hot' ? 'hot room' : 'store scenario'}, kernel included`,
    text:
      `\`perf record -g --kernel-callchains\` on the server, a sample every ${SAMPLE_EVERY_US} us of CPU, file ` +
      `${data.slice(REPO_ROOT.length)}. "The receiver's TCP": on loopback a write runs the reading ` +
      `side's TCP receive (and wakes the reader) on the writer's core; over a network that is the ` +
      `client machine's work. "Hypercalls": the innermost frame is a paravirtual call to the host.\n\n${table}`,
  };
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
  const profiles: ProfileReport[] = [];
  for (const scenario of opts.scenarios) {
    for (const target of opts.targets) {
      results.detail(`[${TITLES[scenario]}] ${TARGET_LABEL[target]}`);
      const t0 = performance.now();
      try {
        await runScenario(scenario, target, opts, results);
        if ((scenario === 'hot' || scenario === 'store') && target === 'segmentchat' && opts.cpuProf) {
          // A run of its own: the profiler's cost stays out of the table's figures.
          const profile = await profiled(scenario, opts, new Results());
          if (profile) profiles.push(profile);
        }
        if ((scenario === 'hot' || scenario === 'store') && opts.perf) {
          const profile = perfAvailable() ? await kernelProfiled(scenario, target, opts) : null;
          if (profile) profiles.push(profile);
          else results.detail('  --perf: `perf record` is not available here (install perf; run as root)');
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
  for (const p of profiles) console.log(`### ${p.heading}\n\n${p.text}\n`);
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
    ...profiles.flatMap((p) => [
      `### ${p.heading}`,
      '',
      p.text,
      '',
      ...(opts.write && p.flame ? [`![Flame graph: ${p.heading}](${p.flame.docName})`, ''] : []),
    ]),
    '### Run log',
    '',
    '```',
    ...results.details,
    '```',
  ].join('\n');
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(RESULTS_DIR, `run-${stamp}.md`), `${section}\n`);
  if (opts.write) {
    for (const { flame } of profiles)
      if (flame) copyFileSync(flame.path, join(REPO_ROOT, 'docs', flame.docName));
    console.log(`Wrote ${writePerformanceDoc(section)}`);
  }
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
    case 'burst':
      return hotBursts(target, opts, results);
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
