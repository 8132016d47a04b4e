import { ALL_TARGETS, type TargetKind } from './targets.ts';

export const SCENARIOS = ['hot', 'burst', 'many', 'idle', 'storm', 'store', 'slow'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  quick: boolean;
  targets: TargetKind[];
  scenarios: ScenarioName[];
  /** Message text size, bytes (~100 as in the issue). */
  payloadBytes: number;
  /** Generator processes; 0 = one per generator core, at least one per 5,000 clients. */
  generators: number;
  hot: { members: number; senders: number; rates: number[]; stepMs: number };
  burst: { members: number; senders: number; burst: number; everyMs: number; durationMs: number };
  many: { clients: number; minRoom: number; maxRoom: number; zipf: number; rate: number; durationMs: number };
  idle: { counts: number[]; roomSize: number; settleMs: number };
  /**
   * `repeats`: storms in a row on the same server; the median one is reported. `outageRepeats`:
   * as many again (SegmentChat only) with the clients away longer than the presence grace, so
   * that every arrival is news to everyone (0: none). `restartRepeats`: storms into a server
   * restarted while the clients were away (SegmentChat only: the baselines keep no history).
   */
  storm: { clients: number; missed: number; repeats: number; outageRepeats: number; restartRepeats: number };
  /** `repeats`: measured runs in a row on the same server; the median one is reported. */
  store: { rooms: number; members: number; window: number; durationMs: number; repeats: number };
  slow: {
    members: number;
    senders: number;
    percent: number;
    rate: number;
    payloadBytes: number;
    durationMs: number;
  };
  /** Profile SegmentChat's server during the hot room and the store scenario (`node --cpu-prof`). */
  cpuProf: boolean;
  /** Sample each target's server with Linux `perf` in the hot room and the store, kernel included. */
  perf: boolean;
  /** Write the results into docs/performance.md. */
  write: boolean;
  /** Scheduling priority for server and generators (`nice -n`), to stand out on a shared machine. */
  nice: number;
}

const FULL: Omit<
  BenchOptions,
  'quick' | 'targets' | 'scenarios' | 'cpuProf' | 'perf' | 'write' | 'generators' | 'nice'
> = {
  payloadBytes: 100,
  // Offered deliveries/s; each step's message rate is this / (members - 1).
  hot: {
    members: 1000,
    senders: 10,
    rates: [10e3, 25e3, 50e3, 100e3, 200e3, 300e3, 500e3, 750e3, 1e6, 1.5e6, 2e6, 3e6],
    stepMs: 3000,
  },
  // The CPU figures: 1 room x 500 members, bursts of ~100-byte messages. 250k deliveries/s
  // on average, in bursts of 100 messages (50k deliveries) that the generator drains in between.
  burst: { members: 500, senders: 10, burst: 10, everyMs: 200, durationMs: 5000 },
  many: { clients: 5000, minRoom: 5, maxRoom: 50, zipf: 1, rate: 100e3, durationMs: 5000 },
  // 12 s: V8's memory reducer collects about 8 s after allocation slows, so the reading is the
  // memory an idle server keeps, not the garbage its clients' setup left (±1 KB per client).
  idle: { counts: [5000, 15000], roomSize: 50, settleMs: 12_000 },
  // Three of each, the median reported: on this shared host one storm or store run in a few
  // is slowed by half for seconds at a time, for every target alike.
  storm: { clients: 1000, missed: 100, repeats: 3, outageRepeats: 3, restartRepeats: 3 },
  store: { rooms: 20, members: 10, window: 32, durationMs: 5000, repeats: 3 },
  // Bigger messages make the slow readers' backlog grow fast enough to see within the run.
  slow: { members: 1000, senders: 10, percent: 1, rate: 100e3, payloadBytes: 1000, durationMs: 8000 },
};

const QUICK: typeof FULL = {
  payloadBytes: 100,
  hot: { members: 200, senders: 10, rates: [20e3, 100e3, 500e3], stepMs: 1000 },
  burst: { members: 200, senders: 10, burst: 10, everyMs: 200, durationMs: 1500 },
  many: { clients: 500, minRoom: 5, maxRoom: 50, zipf: 1, rate: 20e3, durationMs: 1500 },
  idle: { counts: [500, 1500], roomSize: 50, settleMs: 500 },
  storm: { clients: 200, missed: 20, repeats: 1, outageRepeats: 1, restartRepeats: 1 },
  store: { rooms: 5, members: 10, window: 16, durationMs: 1500, repeats: 1 },
  slow: { members: 200, senders: 4, percent: 2, rate: 20e3, payloadBytes: 1000, durationMs: 1500 },
};

export const USAGE = `npm run bench -- [flags]
  --quick                      smoke run with small sizes (2-4 minutes for all targets)
  --targets a,b                ${ALL_TARGETS.join(', ')} (default: all available)
  --scenarios a,b              hot, burst, many, idle, storm, store, slow (default: all)
  --payload N                  message size in bytes (100)
  --generators N               generator processes (default: auto)
  --hot-members N --hot-senders N --hot-rates d1,d2,... (offered deliveries/s) --step-ms N
  --burst-members N --burst-senders N --burst-size N --burst-every-ms N --burst-ms N
  --many-clients N --many-rate D (offered deliveries/s) --many-ms N
  --idle-counts n1,n2          idle clients to measure at (5000,15000)
  --idle-settle-ms N           wait before each memory reading (12000)
  --storm-clients N --storm-missed N --storm-repeats N (the median storm is reported)
  --storm-outage-repeats N     SegmentChat's storms after an outage longer than the presence grace (3; 0: none)
  --storm-restart-repeats N    SegmentChat's storms into a server restarted meanwhile, cold (3; 0: none)
  --store-rooms N --store-members N --store-window N --store-ms N --store-repeats N
  --slow-members N --slow-percent P --slow-rate D --slow-payload N --slow-ms N
  --cpu-prof                   after SegmentChat's hot room and store runs, one more run of each under the V8
                               profiler: summary tables and a flame graph (bench/results/, docs/ when written)
  --perf                       one more hot-room and store run of every target under Linux perf (root, or
                               perf_event_paranoid <= 1): server CPU per delivery by layer, kernel included
  --nice N                     run server and generators at this priority (e.g. -5 on a busy machine)
  --write / --no-write         update docs/performance.md (default: yes, except with --quick)`;

function num(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${flag} needs a number, got "${v}"`);
  return n;
}

function list(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseOptions(argv: string[]): BenchOptions {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n${USAGE}`);
    const eq = arg.indexOf('=');
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (['quick', 'cpu-prof', 'perf', 'write', 'no-write', 'help'].includes(arg.slice(2)))
      flags.set(arg.slice(2), 'true');
    else flags.set(arg.slice(2), argv[++i] ?? '');
  }
  if (flags.has('help')) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = flags.has('quick');
  const base = structuredClone(quick ? QUICK : FULL);
  const take = (flag: string, apply: (v: string) => void) => {
    const v = flags.get(flag);
    if (v !== undefined) apply(v);
    flags.delete(flag);
  };
  const opts: BenchOptions = {
    ...base,
    quick,
    targets: [...ALL_TARGETS],
    scenarios: [...SCENARIOS],
    generators: 0,
    cpuProf: false,
    perf: false,
    // A quick smoke run does not overwrite the documented full-size results unless asked to.
    write: !quick,
    nice: 0,
  };
  take('quick', () => undefined);
  take('help', () => undefined);
  take('cpu-prof', () => (opts.cpuProf = true));
  take('perf', () => (opts.perf = true));
  take('no-write', () => (opts.write = false));
  take('write', () => (opts.write = true));
  take('targets', (v) => {
    const bad = list(v).filter((t) => !ALL_TARGETS.includes(t as TargetKind));
    if (bad.length) throw new Error(`unknown target(s) ${bad.join(', ')}; known: ${ALL_TARGETS.join(', ')}`);
    opts.targets = list(v) as TargetKind[];
  });
  take('scenarios', (v) => {
    const bad = list(v).filter((s) => !SCENARIOS.includes(s as ScenarioName));
    if (bad.length) throw new Error(`unknown scenario(s) ${bad.join(', ')}; known: ${SCENARIOS.join(', ')}`);
    opts.scenarios = list(v) as ScenarioName[];
  });
  take('nice', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < -20 || n > 19) throw new Error(`--nice needs an integer in -20..19`);
    opts.nice = n;
  });
  take('payload', (v) => (opts.payloadBytes = num(v, 'payload')));
  take('generators', (v) => (opts.generators = num(v, 'generators')));
  take('hot-members', (v) => (opts.hot.members = num(v, 'hot-members')));
  take('hot-senders', (v) => (opts.hot.senders = num(v, 'hot-senders')));
  take('hot-rates', (v) => (opts.hot.rates = list(v).map((x) => num(x, 'hot-rates'))));
  take('step-ms', (v) => (opts.hot.stepMs = num(v, 'step-ms')));
  take('burst-members', (v) => (opts.burst.members = num(v, 'burst-members')));
  take('burst-senders', (v) => (opts.burst.senders = num(v, 'burst-senders')));
  take('burst-size', (v) => (opts.burst.burst = num(v, 'burst-size')));
  take('burst-every-ms', (v) => (opts.burst.everyMs = num(v, 'burst-every-ms')));
  take('burst-ms', (v) => (opts.burst.durationMs = num(v, 'burst-ms')));
  take('many-clients', (v) => (opts.many.clients = num(v, 'many-clients')));
  take('many-rate', (v) => (opts.many.rate = num(v, 'many-rate')));
  take('many-ms', (v) => (opts.many.durationMs = num(v, 'many-ms')));
  take('idle-counts', (v) => (opts.idle.counts = list(v).map((x) => num(x, 'idle-counts'))));
  take('idle-settle-ms', (v) => (opts.idle.settleMs = num(v, 'idle-settle-ms')));
  take('storm-clients', (v) => (opts.storm.clients = num(v, 'storm-clients')));
  take('storm-missed', (v) => (opts.storm.missed = num(v, 'storm-missed')));
  take('storm-repeats', (v) => (opts.storm.repeats = num(v, 'storm-repeats')));
  take('storm-outage-repeats', (v) => (opts.storm.outageRepeats = num(v, 'storm-outage-repeats')));
  take('storm-restart-repeats', (v) => (opts.storm.restartRepeats = num(v, 'storm-restart-repeats')));
  take('store-rooms', (v) => (opts.store.rooms = num(v, 'store-rooms')));
  take('store-members', (v) => (opts.store.members = num(v, 'store-members')));
  take('store-window', (v) => (opts.store.window = num(v, 'store-window')));
  take('store-ms', (v) => (opts.store.durationMs = num(v, 'store-ms')));
  take('store-repeats', (v) => (opts.store.repeats = num(v, 'store-repeats')));
  take('slow-members', (v) => (opts.slow.members = num(v, 'slow-members')));
  take('slow-percent', (v) => (opts.slow.percent = num(v, 'slow-percent')));
  take('slow-rate', (v) => (opts.slow.rate = num(v, 'slow-rate')));
  take('slow-payload', (v) => (opts.slow.payloadBytes = num(v, 'slow-payload')));
  take('slow-ms', (v) => (opts.slow.durationMs = num(v, 'slow-ms')));
  if (flags.size > 0) throw new Error(`unknown flag(s) ${[...flags.keys()].join(', ')}\n${USAGE}`);
  return opts;
}
