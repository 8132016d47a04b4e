import { describe, expect, it } from 'vitest';
import { flameSvg, flameTree } from './flame-graph.ts';
import type { CpuProfile } from './profile-summary.ts';

const SERVER = 'file:///repo/packages/server/src/message-service.ts';
const SQLITE = 'file:///repo/node_modules/better-sqlite3/lib/methods/transaction.js';

/** (root) → (program) | send → [write, <insert & commit>] | (idle); samples 1 ms apart. */
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 3, 6] },
    { id: 2, callFrame: { functionName: '(program)', url: '', lineNumber: -1 } },
    { id: 3, callFrame: { functionName: 'send', url: SERVER, lineNumber: 41 }, children: [4, 5] },
    { id: 4, callFrame: { functionName: 'write', url: 'node:net', lineNumber: 9 } },
    { id: 5, callFrame: { functionName: '<insert & commit>', url: SQLITE, lineNumber: 0 } },
    { id: 6, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
  ],
  startTime: 0,
  endTime: 7000,
  samples: [3, 4, 5, 5, 6, 2, 2],
  timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000],
};

describe('flameTree', () => {
  it('weights each call path by the samples inside the window, leaving idle out', () => {
    // Samples at 1..7 ms; the window takes the first five, of which one is idle.
    const root = flameTree(profile, 0, 5500);
    expect(root.totalUs).toBe(4000);
    expect(root.children.map((c) => c.name)).toEqual(['send']);
    const send = root.children[0]!;
    // tsx numbers a .ts file's lines as it compiled them, not as written: no line for those.
    expect(send).toMatchObject({
      area: 'packages/server/src/message-service.ts',
      location: 'packages/server/src/message-service.ts',
    });
    expect(send.children[0]!.location).toBe('better-sqlite3:1');
    expect([send.totalUs, send.selfUs]).toEqual([4000, 1000]);
    expect(send.children.map((c) => [c.name, c.area, c.totalUs])).toEqual([
      ['<insert & commit>', 'better-sqlite3', 2000],
      ['write', 'node:net', 1000],
    ]);
  });

  it('counts samples after the window start only', () => {
    const root = flameTree(profile, 5500, 8000);
    expect(root.children.map((c) => [c.name, c.totalUs])).toEqual([['(program)', 2000]]);
  });
});

describe('flameSvg', () => {
  const svg = flameSvg(flameTree(profile, 0, 5500), { title: 'Store <test>', units: 10, unit: 'message' });

  it('writes escaped, self-contained SVG with a tooltip per box', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Store &#60;test&#62;');
    expect(svg).not.toContain('<insert');
    expect(svg).toContain(
      '<title>&#60;insert &#38; commit&#62; (better-sqlite3:1)\n2.0 ms total (50.0%) · 200.000 us/message, 2.0 ms self</title>',
    );
  });

  it('draws widths as shares of the sampled time, callers below their callees', () => {
    const rect = (name: string) => {
      const m = new RegExp(
        `<title>${name}[^<]*</title><rect x="([\\d.]+)" y="(\\d+)" width="([\\d.]+)"`,
      ).exec(svg);
      expect(m, name).not.toBeNull();
      return { x: Number(m![1]), y: Number(m![2]), w: Number(m![3]) };
    };
    const all = rect('all');
    const send = rect('send');
    const write = rect('write');
    expect(all.w).toBe(1200);
    expect(send.w).toBe(1200);
    expect(write.w).toBe(300);
    expect(write.x).toBe(600); // after '<insert…>', which is half of 1200
    expect(all.y).toBeGreaterThan(send.y);
    expect(send.y).toBeGreaterThan(write.y);
  });
});
