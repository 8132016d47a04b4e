import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/**
 * Where a server's CPU goes by layer, the kernel included, from Linux `perf`. The V8 profile
 * shows a socket write as one native call (`writeBuffer`, most of the hot room's time); perf's
 * kernel call stacks open it up. On loopback the kernel runs the receiving side's TCP processing
 * (and wakes the reader) inside the sender's write, so part of what the server is charged per
 * delivery is work a real network would leave to the client's machine.
 */

/**
 * A sample every this many microseconds of a thread's CPU time (`perf record -c`, in ns for
 * cpu-clock). Every 100 us, perf's own work on the generators' core slowed the store scenario's
 * clients to half their rate, and with them the server's batches.
 */
export const SAMPLE_EVERY_US = 1000;

export const LAYERS = ['user', 'write', 'loopbackReceive', 'read', 'fsync', 'otherKernel'] as const;
export type Layer = (typeof LAYERS)[number];

export interface KernelSplit {
  /** Sampled CPU microseconds per layer, all threads of the process. */
  us: Record<Layer, number>;
  /** Of all of them, the microseconds whose innermost frame is a paravirtual hypercall. */
  hypercallUs: number;
  totalUs: number;
}

/** One stack frame: function name and the object it lives in (`[kernel.kallsyms]` for the kernel). */
export interface Frame {
  sym: string;
  dso: string;
}

const KERNEL = '[kernel.kallsyms]';
const WRITE = /^(ksys_write|do_writev|__sys_sendmsg|__sys_sendto|__x64_sys_write|__x64_sys_writev)$/;
const RECEIVE = /^(net_rx_action|__netif_receive_skb|process_backlog)$/;
const READ = /^(ksys_read|do_readv|__sys_recvmsg|__sys_recvfrom|do_epoll_wait|do_epoll_pwait)/;
const FSYNC = /^(do_fsync|__x64_sys_fsync|__x64_sys_fdatasync)$/;
/** Hypervisor calls of paravirtualized guests (PVM, KVM, Xen, Hyper-V): the host's time, billed to us. */
const HYPERCALL = /^(__raw_callee_save_)?(pvm_|kvm_|xen_|hv_)/;

/**
 * Sorts one sample into its layer, from its stack (innermost frame first): user space, or the
 * kernel inside a socket write (split off: the part that is the receiving side's TCP), a read or
 * wait for input, an fsync, or anything else (page faults, timers, scheduling).
 */
export function layerOf(frames: readonly Frame[]): Layer {
  if (frames.length === 0 || frames[0]!.dso !== KERNEL) return 'user';
  let inReceive = false;
  for (const { sym } of frames) {
    if (RECEIVE.test(sym)) inReceive = true;
    else if (WRITE.test(sym)) return inReceive ? 'loopbackReceive' : 'write';
    else if (READ.test(sym)) return 'read';
    else if (FSYNC.test(sym)) return 'fsync';
  }
  return 'otherKernel';
}

export function isHypercall(frames: readonly Frame[]): boolean {
  return frames.length > 0 && frames[0]!.dso === KERNEL && HYPERCALL.test(frames[0]!.sym);
}

function emptySplit(): KernelSplit {
  const us = Object.fromEntries(LAYERS.map((l) => [l, 0])) as Record<Layer, number>;
  return { us, hypercallUs: 0, totalUs: 0 };
}

/** Time windows on CLOCK_MONOTONIC (as `nowUs()` reads it), in microseconds. */
export interface Window {
  fromUs: number;
  toUs: number;
}

/**
 * Adds up `perf script -F time,ip,sym,dso` output, fed line by line, into one split per window
 * (a sample outside every window counts nowhere).
 */
export class PerfScriptReader {
  readonly splits: KernelSplit[];
  private at: number | null = null;
  private frames: Frame[] = [];

  constructor(private readonly windows: readonly Window[]) {
    this.splits = windows.map(emptySplit);
  }

  line(text: string): void {
    const header = /^\s*(\d+\.\d+):\s*$/.exec(text);
    if (header) {
      this.end();
      this.at = Number(header[1]) * 1e6;
      return;
    }
    const frame = /^\s+[0-9a-f]+ (.*) \(([^()]*)\)$/.exec(text);
    if (frame && this.at !== null) this.frames.push({ sym: frame[1]!, dso: frame[2]! });
  }

  /** Counts the sample being read; call once after the last line. */
  end(): void {
    if (this.at !== null) {
      const i = this.windows.findIndex((w) => this.at! >= w.fromUs && this.at! < w.toUs);
      const split = this.splits[i];
      if (split) {
        split.us[layerOf(this.frames)] += SAMPLE_EVERY_US;
        if (isHypercall(this.frames)) split.hypercallUs += SAMPLE_EVERY_US;
        split.totalUs += SAMPLE_EVERY_US;
      }
    }
    this.at = null;
    this.frames = [];
  }
}

let available: boolean | undefined;

/**
 * Whether `perf` is installed and may record here (it needs root or a permissive
 * `perf_event_paranoid`). Asked once per run: `--perf` calls this for every target and scenario.
 */
export function perfAvailable(): boolean {
  if (available === undefined) {
    try {
      execFileSync('perf', ['record', '-q', '-e', 'cpu-clock', '-o', '/dev/null', '--', 'true'], {
        stdio: 'ignore',
      });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/** `perf record` attached to a running process until it exits, kernel call stacks only. */
export class PerfRecording {
  private readonly exited: Promise<unknown>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = once(child, 'exit');
  }

  static start(pid: number, dataPath: string): PerfRecording {
    const args = [
      'record',
      '-q',
      '-k',
      'CLOCK_MONOTONIC',
      '-e',
      'cpu-clock',
      '-c',
      String(SAMPLE_EVERY_US * 1000),
    ];
    args.push('-g', '--kernel-callchains', '-p', String(pid), '-o', dataPath);
    return new PerfRecording(spawn('perf', args, { stdio: 'ignore' }));
  }

  /** Waits for the data to be written: perf stops when its process exits (or now, on SIGINT). */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGINT');
    await this.exited;
  }
}

/** Reads a recording's samples into one split per window. */
export async function readSplits(dataPath: string, windows: readonly Window[]): Promise<KernelSplit[]> {
  const reader = new PerfScriptReader(windows);
  const script = spawn('perf', ['script', '-i', dataPath, '-F', 'time,ip,sym,dso'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  for await (const line of createInterface({ input: script.stdout })) reader.line(line);
  reader.end();
  return reader.splits;
}

/** One row of the table: a window's split and the units of work done in it. */
export interface SplitRow {
  label: string;
  split: KernelSplit;
  units: number;
}

export function formatSplits(rows: readonly SplitRow[], what: string, unit: 'delivery' | 'message'): string {
  const per = (us: number, units: number) => (units > 0 ? (us / units).toFixed(2) : '—');
  const head =
    `| ${what} | all | user space | kernel: socket writes | kernel: the receiver's TCP, in our writes | ` +
    `kernel: reads, waits | kernel: fsync | kernel: other | of all: hypercalls |`;
  return [
    `Server CPU in us per ${unit}, sampled by \`perf\` (all threads):`,
    '',
    head,
    `| --- |${' ---: |'.repeat(8)}`,
    ...rows.map(({ label, split, units }) => {
      const cells = [split.totalUs, ...LAYERS.map((l) => split.us[l]), split.hypercallUs];
      return `| ${label} | ${cells.map((us) => per(us, units)).join(' | ')} |`;
    }),
  ].join('\n');
}
