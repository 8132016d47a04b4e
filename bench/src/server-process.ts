import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SEGMENTCHAT_ENV, REPO_ROOT, targetCommand, type TargetKind } from './targets.ts';
import { pinned } from './cpu-layout.ts';

export interface RunningTarget {
  kind: TargetKind;
  pid: number;
  url: string;
  dataDir: string;
  /** The last lines the server printed, for error reports. */
  log: string[];
  /** With `--inspect=127.0.0.1:0` among the node flags: the inspector's WebSocket address. */
  inspector(): string | undefined;
  /**
   * Stops the server the way `stop` does but keeps its data, and starts it again on the same
   * data and port: a restart, as a deploy does it. `pid` and `log` are the new process's after.
   */
  restart(): Promise<void>;
  /** Stops the server by its pid (SIGTERM, then SIGKILL after 10 s) and removes its data. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  env?: Record<string, string>;
  /** Runs on the fresh data directory before the server starts (seeding accounts). */
  prepare?: (dataDir: string) => Promise<void>;
  /** Runs once the server listens, with its pid (attaching `perf`). */
  onStarted?: (pid: number) => void;
}

const live = new Set<ChildProcess>();

/** Kills whatever is still running: used on the way out, including after a crash or Ctrl-C. */
export function killAllServers(): void {
  for (const child of live) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
}

export async function startTarget(kind: TargetKind, options: StartOptions = {}): Promise<RunningTarget> {
  const dataDir = mkdtempSync(join(REPO_ROOT, 'bench', 'results', `data-${kind}-`));
  await options.prepare?.(dataDir);
  let server = await spawnServer(kind, dataDir, 0, options);
  options.onStarted?.(server.child.pid!);
  const port = new URL(server.url).port;
  const target: RunningTarget = {
    kind,
    pid: server.child.pid!,
    url: server.url,
    dataDir,
    log: server.log,
    inspector: () => server.inspector(),
    async restart() {
      await stopChild(server);
      server = await spawnServer(kind, dataDir, Number(port), options);
      target.pid = server.child.pid!;
      target.log = server.log;
      if (server.url !== target.url) throw new Error(`${kind} came back on ${server.url}, not ${target.url}`);
    },
    async stop() {
      const code = await stopChild(server);
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
  return target;
}

interface SpawnedServer {
  child: ChildProcess;
  url: string;
  log: string[];
  exited: Promise<number | null>;
  inspector(): string | undefined;
}

/** Starts the server on `dataDir` (port 0: any) and waits until it listens. */
async function spawnServer(
  kind: TargetKind,
  dataDir: string,
  port: number,
  options: StartOptions,
): Promise<SpawnedServer> {
  const { script, args } = targetCommand(kind, dataDir, port);
  const [cmd, argv] = pinned('server', [
    process.execPath,
    ...(options.nodeFlags ?? []),
    // e.g. BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/p" to profile any scenario.
    ...(process.env.BENCH_SERVER_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
    '--import',
    'tsx',
    script,
    ...args,
  ]);
  const child = spawn(cmd, argv, {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(kind === 'segmentchat' ? SEGMENTCHAT_ENV : {}), ...options.env },
  });
  live.add(child);
  const log: string[] = [];
  let inspectorUrl: string | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${kind} did not start in 60 s:\n${log.join('\n')}`)),
      60_000,
    );
    const onLine = (line: string) => {
      inspectorUrl ??= /Debugger listening on (ws:\/\/\S+)/.exec(line)?.[1];
      log.push(line);
      if (log.length > 200) log.shift();
      const match = /listening on (https?:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('0.0.0.0', '127.0.0.1').replace(/\/$/, ''));
      }
    };
    // Both pipes are read to the end: a full pipe would block the server mid-benchmark.
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before listening:\n${log.join('\n')}`));
    });
  });
  return { child, url, log, exited, inspector: () => inspectorUrl };
}

/** SIGTERM, then SIGKILL after 10 s; the exit code. */
async function stopChild({ child, exited }: SpawnedServer): Promise<number | null> {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(killer);
  }
  live.delete(child);
  return child.exitCode;
}
