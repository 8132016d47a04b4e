import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where each process runs. With `taskset` and at least two cores the server gets core 0 and the
 * generators (and this coordinator) the rest, so they never compete for the server's core and a
 * saturated generator shows up in its own CPU figure instead of as server latency.
 */
const cores = availableParallelism();
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

export const layout = {
  pinned: hasTaskset && cores >= 2,
  /** `--nice N`: scheduling priority for the server and generators (negative = ahead of others). */
  nice: 0,
  cores,
  serverCpus: '0',
  generatorCpus: cores > 2 ? `1-${cores - 1}` : '1',
};

export function describeLayout(): string {
  const nice = layout.nice !== 0 ? `, nice ${layout.nice}` : '';
  return layout.pinned
    ? `server pinned to core ${layout.serverCpus}, generators and coordinator to core(s) ${layout.generatorCpus} (taskset)${nice}`
    : `not pinned (${hasTaskset ? `${cores} core(s)` : 'no taskset'}): server and generators share cores${nice}`;
}

/** Wraps a command in `taskset -c` for its role when pinning is possible. */
export function pinned(role: 'server' | 'generator', argv: string[]): [string, string[]] {
  const niced = layout.nice !== 0 ? ['nice', '-n', String(layout.nice), ...argv] : argv;
  if (!layout.pinned) return [niced[0]!, niced.slice(1)];
  const cpus = role === 'server' ? layout.serverCpus : layout.generatorCpus;
  return ['taskset', ['-c', cpus, ...niced]];
}

/** Moves this coordinator off the server's core too. */
export function pinSelf(): void {
  if (!layout.pinned) return;
  execFileSync('taskset', ['-a', '-p', '-c', layout.generatorCpus, String(process.pid)], { stdio: 'ignore' });
}
