import { areaOf, forEachSample, locationOf, type CpuProfile } from './profile-summary.ts';

/** One frame of the flame graph: a function reached by one call path, with the time spent in it. */
export interface FlameFrame {
  name: string;
  /** Package, source file or V8/Node area, as in the profile summary's "Area" column. */
  area: string;
  /** Where the function is defined (`locationOf`), or '' for V8's own pseudo-frames. */
  location: string;
  selfUs: number;
  totalUs: number;
  children: FlameFrame[];
}

/**
 * The call tree of a window of a V8 CPU profile, weighted by samples: each frame's total is its
 * own samples plus its callees'. Frames under the same caller that name the same function (V8
 * can split one by inlining state) are merged, and children are ordered by name (then file), as
 * flame graphs are, so two profiles of the same code line up.
 */
export function flameTree(profile: CpuProfile, fromUs: number, toUs: number): FlameFrame {
  const selfUs = new Map<number, number>();
  forEachSample(profile, fromUs, toUs, (n, weight) => selfUs.set(n.id, (selfUs.get(n.id) ?? 0) + weight));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const frame = (name: string, area: string, location: string): FlameFrame => ({
    name,
    area,
    location,
    selfUs: 0,
    totalUs: 0,
    children: [],
  });
  // V8's nodes already form the call tree; frames only merge same-named siblings.
  const addChildren = (node: CpuProfile['nodes'][number], into: FlameFrame): void => {
    for (const id of node.children ?? []) {
      const child = byId.get(id);
      if (!child) continue;
      const { functionName, url, lineNumber } = child.callFrame;
      const name = functionName || '(anonymous)';
      const location = locationOf(url, functionName, lineNumber);
      let f = into.children.find((c) => c.name === name && c.location === location);
      if (!f) into.children.push((f = frame(name, areaOf(url, functionName), location)));
      f.selfUs += selfUs.get(id) ?? 0;
      addChildren(child, f);
    }
  };
  // Totals bottom-up; frames with no sample in the window are dropped.
  const finish = (f: FlameFrame): FlameFrame => {
    f.children = f.children.map(finish).filter((c) => c.totalUs > 0);
    f.children.sort(
      (x, y) => x.name.localeCompare(y.name, 'en') || x.location.localeCompare(y.location, 'en'),
    );
    f.totalUs = f.selfUs + f.children.reduce((sum, c) => sum + c.totalUs, 0);
    return f;
  };
  const root = frame('all', '', '');
  for (const n of profile.nodes.filter((n) => n.callFrame.functionName === '(root)')) {
    root.selfUs += selfUs.get(n.id) ?? 0;
    addChildren(n, root);
  }
  return finish(root);
}

export interface FlameSvgOptions {
  title: string;
  /** Units of work done in the window (deliveries, persisted messages), for us/unit in tooltips. */
  units: number;
  unit: string;
}

const WIDTH = 1200;
const ROW = 17;
const TOP = 48;
const FONT_PX = 11;
/** Average glyph width of the 11 px monospace font, for trimming labels to their box. */
const CHAR_PX = 6.7;
/** Boxes narrower than this are not drawn: they would be unreadable slivers. */
const MIN_PX = 0.4;

/** Colours by where the code lives, so "ours vs. libraries vs. Node vs. V8" reads at a glance. */
const KINDS = [
  { label: 'SegmentChat', test: (a: string) => a.startsWith('packages/'), hue: 28 },
  { label: 'npm packages', test: (a: string) => /^[@a-z]/.test(a) && !a.startsWith('node:'), hue: 205 },
  { label: 'Node.js', test: (a: string) => a.startsWith('node:'), hue: 130 },
  { label: 'V8 (GC, native, program)', test: () => true, hue: 0 },
] as const;

function colour(frame: FlameFrame): string {
  const kind = KINDS.find((k) => k.test(frame.area))!;
  // A stable lightness per function name keeps neighbours apart without random colours.
  let h = 0;
  for (let i = 0; i < frame.name.length; i += 1) h = (h * 31 + frame.name.charCodeAt(i)) >>> 0;
  const sat = kind.hue === 0 ? 0 : 70;
  return `hsl(${kind.hue} ${sat}% ${62 + (h % 18)}%)`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A self-contained SVG flame graph (callers below callees, width = share of the sampled CPU time).
 * Each box has a tooltip with its function, file, total and self time, share and us per unit.
 */
export function flameSvg(root: FlameFrame, opts: FlameSvgOptions): string {
  const scale = root.totalUs > 0 ? WIDTH / root.totalUs : 0;
  const drawn = (f: FlameFrame) => f.totalUs * scale >= MIN_PX;
  const depthOf = (f: FlameFrame): number => (drawn(f) ? 1 + Math.max(0, ...f.children.map(depthOf)) : 0);
  const depth = depthOf(root);
  const height = TOP + depth * ROW + 28;
  const boxes: string[] = [];
  // Callers at the bottom: level 0 is the last row.
  const place = (f: FlameFrame, x: number, level: number): void => {
    if (!drawn(f)) return;
    boxes.push(box(f, x, TOP + (depth - 1 - level) * ROW, f.totalUs * scale));
    let cx = x;
    for (const c of f.children) {
      place(c, cx, level + 1);
      cx += c.totalUs * scale;
    }
  };
  const box = (f: FlameFrame, x: number, y: number, w: number): string => {
    const pct = root.totalUs > 0 ? (100 * f.totalUs) / root.totalUs : 0;
    const perUnit = opts.units > 0 ? ` · ${(f.totalUs / opts.units).toFixed(3)} us/${opts.unit}` : '';
    const tip =
      `${f.name}${f.location ? ` (${f.location})` : ''}\n` +
      `${(f.totalUs / 1000).toFixed(1)} ms total (${pct.toFixed(1)}%)${perUnit}, ${(f.selfUs / 1000).toFixed(1)} ms self`;
    const chars = Math.floor((w - 6) / CHAR_PX);
    const label = chars >= 3 ? (f.name.length > chars ? `${f.name.slice(0, chars - 1)}…` : f.name) : '';
    return (
      `<g><title>${escapeXml(tip)}</title><rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW - 1}" rx="2" fill="${colour(f)}"/>` +
      (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 12}">${escapeXml(label)}</text>` : '') +
      '</g>'
    );
  };
  place(root, 0, 0);
  const body = boxes.join('\n');
  const legend = KINDS.map((k, i) => {
    const x = 8 + i * 190;
    const fill = `hsl(${k.hue} ${k.hue === 0 ? 0 : 70}% 68%)`;
    return `<rect x="${x}" y="${height - 20}" width="12" height="12" rx="2" fill="${fill}"/><text x="${x + 17}" y="${height - 10}">${escapeXml(k.label)}</text>`;
  }).join('');
  const summary =
    `${(root.totalUs / 1000).toFixed(0)} ms sampled` +
    (opts.units > 0
      ? `, ${opts.units.toLocaleString('en-US')} ${opts.unit}s, ${(root.totalUs / opts.units).toFixed(3)} us/${opts.unit}`
      : '') +
    '; width is share of CPU time, hover a box for its numbers';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="ui-monospace, Menlo, Consolas, monospace" font-size="${FONT_PX}">`,
    `<rect width="100%" height="100%" fill="#fbfaf8"/>`,
    `<text x="8" y="18" font-size="14" font-weight="bold">${escapeXml(opts.title)}</text>`,
    `<text x="8" y="36" fill="#555">${escapeXml(summary)}</text>`,
    body,
    legend,
    '</svg>',
  ].join('\n');
}
