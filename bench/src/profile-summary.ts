import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) that we read. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  selfMs: number;
  /** Per unit of work: a delivery (hot room) or a persisted message (store). */
  usPerUnit: number;
  pct: number;
}

export interface ProfileSummary {
  windowMs: number;
  sampledMs: number;
  functions: ProfileLine[];
  areas: ProfileLine[];
}

/** Where a function lives, coarsely: a package, a server source file, Node's internals, or V8. */
export function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/(packages\/[^/]+\/src\/.*)$/.exec(url);
  if (own) return own[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * Where a function is defined, for the report: its area and line, or '' for V8's pseudo-frames.
 * TypeScript files run through tsx, and V8 numbers the lines of the JavaScript tsx made of them,
 * which are not the source's: those get no line.
 */
export function locationOf(url: string, functionName: string, lineNumber: number): string {
  if (!url) return '';
  const area = areaOf(url, functionName);
  return /\.tsx?$/.test(url) ? area : `${area}:${lineNumber + 1}`;
}

/**
 * Calls `visit` for each sample taken between `fromUs` and `toUs` (V8's profile clock is the same
 * monotonic clock as `process.hrtime`) with the sample's node and the time it stands for, which is
 * the time until the next sample. Idle samples are skipped.
 */
export function forEachSample(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  visit: (node: CpuProfile['nodes'][number], weightUs: number) => void,
): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    visit(node, profile.timeDeltas[i + 1] ?? delta);
  }
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
}

/**
 * Self time per function and per area in a window of the profile, divided by the units of work
 * done in that window (deliveries, or persisted messages): where each microsecond of one goes.
 */
export function summarizeProfile(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  units: number,
): ProfileSummary {
  const fnSelf = new Map<string, number>();
  const areaSelf = new Map<string, number>();
  let sampled = 0;
  forEachSample(profile, fromUs, toUs, (node, weight) => {
    const { functionName, url, lineNumber } = node.callFrame;
    sampled += weight;
    const key = `${functionName || '(anonymous)'} ${locationOf(url, functionName, lineNumber)}`.trim();
    fnSelf.set(key, (fnSelf.get(key) ?? 0) + weight);
    const area = areaOf(url, functionName);
    areaSelf.set(area, (areaSelf.get(area) ?? 0) + weight);
  });
  const lines = (m: Map<string, number>, top: number): ProfileLine[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({
        name,
        selfMs: us / 1000,
        usPerUnit: units > 0 ? us / units : 0,
        pct: sampled > 0 ? (100 * us) / sampled : 0,
      }));
  return {
    windowMs: (toUs - fromUs) / 1000,
    sampledMs: sampled / 1000,
    functions: lines(fnSelf, 25),
    areas: lines(areaSelf, 15),
  };
}

export function formatProfile(s: ProfileSummary, units: number, unit: 'delivery' | 'message'): string {
  const plural = unit === 'delivery' ? 'deliveries' : 'messages';
  const row = (l: ProfileLine) =>
    `| ${l.name.replace(/\|/g, '\\|')} | ${l.selfMs.toFixed(1)} | ${l.pct.toFixed(1)}% | ${l.usPerUnit.toFixed(3)} |`;
  return [
    `Window ${s.windowMs.toFixed(0)} ms, ${s.sampledMs.toFixed(0)} ms on-CPU in the main thread, ${units.toLocaleString('en-US')} ${plural} ` +
      `→ ${units > 0 ? ((1000 * s.sampledMs) / units).toFixed(3) : '—'} us of main-thread CPU per ${unit}.`,
    '',
    `| Area | self ms | share | us/${unit} |`,
    '| --- | ---: | ---: | ---: |',
    ...s.areas.map(row),
    '',
    `| Function | self ms | share | us/${unit} |`,
    '| --- | ---: | ---: | ---: |',
    ...s.functions.map(row),
  ].join('\n');
}
