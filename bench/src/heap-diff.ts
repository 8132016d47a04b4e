// What one more client costs in the server's JavaScript heap: the difference between two V8 heap
// snapshots (`--heapsnapshot-signal`, see `BENCH_IDLE_HEAP_SNAPSHOTS` in scenarios/idle-memory.ts),
// by node type and constructor, divided by the clients connected in between.
//
//   node --import tsx bench/src/heap-diff.ts before.heapsnapshot after.heapsnapshot CLIENTS [ROWS]
import { readFileSync } from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Bytes and count of nodes per "type name" (e.g. "object Connection", "string", "closure onData"). */
function tally(path: string): Map<string, { bytes: number; count: number }> {
  const snap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + typeAt!]!]!;
    // Strings and code are grouped by type alone: their "names" are their contents.
    const name = ['object', 'closure', 'native'].includes(type) ? snap.strings[snap.nodes[i + nameAt!]!] : '';
    const key = name ? `${type} ${name}` : type;
    const t = out.get(key) ?? { bytes: 0, count: 0 };
    t.bytes += snap.nodes[i + sizeAt!]!;
    t.count += 1;
    out.set(key, t);
  }
  return out;
}

const [beforePath, afterPath, clientsArg, rowsArg] = process.argv.slice(2);
if (!beforePath || !afterPath || !clientsArg) {
  console.error('usage: heap-diff.ts before.heapsnapshot after.heapsnapshot CLIENTS [ROWS]');
  process.exit(2);
}
const clients = Number(clientsArg);
const before = tally(beforePath);
const after = tally(afterPath);
const rows = [...after].map(([key, a]) => {
  const b = before.get(key) ?? { bytes: 0, count: 0 };
  return { key, bytes: (a.bytes - b.bytes) / clients, count: (a.count - b.count) / clients };
});
rows.sort((x, y) => y.bytes - x.bytes);
const total = rows.reduce((n, r) => n + r.bytes, 0);
console.log(`JS heap per client: ${total.toFixed(0)} bytes (${clients} clients)`);
for (const r of rows.slice(0, Number(rowsArg ?? 30)))
  console.log(`${r.bytes.toFixed(0).padStart(7)} B  ${r.count.toFixed(2).padStart(6)} ×  ${r.key}`);
