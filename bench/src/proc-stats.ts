import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second for /proc/PID/stat's utime and stime (100 on every Linux we run on). */
const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a whole process (all threads), in milliseconds. */
export function cpuMs(pid: number | 'self'): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; everything after its ')' is space-separated,
  // starting at field 3 (state), so utime (14) and stime (15) are at offsets 11 and 12.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Resident set size in bytes (VmRSS from /proc/PID/status). */
export function rssBytes(pid: number | 'self'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU use between two points: milliseconds spent and share of one core over the wall time. */
export class CpuMeter {
  private readonly startCpu: number;
  private readonly startWall: number;
  private readonly startWait: number;

  constructor(private readonly pid: number | 'self') {
    this.startCpu = cpuMs(pid);
    this.startWait = runQueueWaitMs(pid);
    this.startWall = performance.now();
  }

  /** CPU used, wall time, share of one core, and time spent waiting for a core. */
  read(): { cpuMs: number; wallMs: number; corePct: number; waitMs: number } {
    const used = cpuMs(this.pid) - this.startCpu;
    const wall = performance.now() - this.startWall;
    const waitMs = runQueueWaitMs(this.pid) - this.startWait;
    return { cpuMs: used, wallMs: wall, corePct: wall > 0 ? (100 * used) / wall : 0, waitMs };
  }
}

/**
 * Time the process's threads spent runnable but waiting for a CPU (schedstat field 2, summed
 * over /proc/PID/task/*), in milliseconds. On a shared machine this shows when other work took
 * the server's core: latency measured then is interference, not the server.
 */
export function runQueueWaitMs(pid: number | 'self'): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1] ?? 0);
      } catch {
        // the thread ended meanwhile
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}
