import { spawn, type ChildProcess } from 'node:child_process';
import { pinned } from './cpu-layout.ts';
import type {
  ClientSpec,
  GeneratorCommand,
  GeneratorReply,
  SetupResult,
} from './generator/generator-commands.ts';
import { REPO_ROOT, type TargetKind } from './targets.ts';

interface Generator {
  child: ChildProcess;
  pending: Map<number, { resolve(v: unknown): void; reject(e: Error): void }>;
}

const live = new Set<ChildProcess>();

export function killAllGenerators(): void {
  for (const child of live) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
}

/** Load-generator child processes and the IPC calls that drive them. */
export class GeneratorPool {
  private readonly gens: Generator[] = [];
  private seq = 0;
  /** Which generator holds each client. */
  readonly home = new Map<number, number>();
  /** Seeded accounts' tokens (SegmentChat), attached to the clients as they are assigned. */
  tokens = new Map<number, string>();

  static async start(count: number, target: TargetKind, url: string): Promise<GeneratorPool> {
    const pool = new GeneratorPool();
    for (let i = 0; i < count; i += 1) pool.spawnOne();
    await pool.all({ op: 'init', target, url });
    return pool;
  }

  get size(): number {
    return this.gens.length;
  }

  get pids(): number[] {
    return this.gens.map((g) => g.child.pid!);
  }

  private spawnOne(): void {
    const [cmd, argv] = pinned('generator', [
      process.execPath,
      '--max-old-space-size=4096',
      // e.g. BENCH_GENERATOR_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/g" to see where a generator's time goes.
      ...(process.env.BENCH_GENERATOR_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
      '--import',
      'tsx',
      'bench/src/generator/generator-main.ts',
    ]);
    const child = spawn(cmd, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    live.add(child);
    const gen: Generator = { child, pending: new Map() };
    child.on('message', (msg: GeneratorReply) => {
      const waiter = gen.pending.get(msg.seq);
      if (!waiter) return;
      gen.pending.delete(msg.seq);
      if (msg.ok) waiter.resolve(msg.result);
      else waiter.reject(new Error(`generator ${child.pid}: ${msg.error}`));
    });
    child.on('exit', (code) => {
      live.delete(child);
      for (const waiter of gen.pending.values())
        waiter.reject(new Error(`generator ${child.pid} exited (${code})`));
      gen.pending.clear();
    });
    this.gens.push(gen);
  }

  call<R>(index: number, cmd: GeneratorCommand): Promise<R> {
    const gen = this.gens[index]!;
    const seq = ++this.seq;
    return new Promise<R>((resolve, reject) => {
      gen.pending.set(seq, { resolve: resolve, reject });
      gen.child.send({ ...cmd, seq });
    });
  }

  all<R>(cmd: GeneratorCommand | ((index: number) => GeneratorCommand)): Promise<R[]> {
    return Promise.all(this.gens.map((_, i) => this.call<R>(i, typeof cmd === 'function' ? cmd(i) : cmd)));
  }

  /** Spreads clients round-robin over the generators (so each room spans processes). */
  assign(clients: ClientSpec[]): ClientSpec[][] {
    const parts: ClientSpec[][] = this.gens.map(() => []);
    for (const spec of clients) {
      const index = this.home.get(spec.idx) ?? spec.idx % this.gens.length;
      this.home.set(spec.idx, index);
      const token = this.tokens.get(spec.idx);
      parts[index]!.push(token === undefined ? spec : { ...spec, token });
    }
    return parts;
  }

  /** Registers accounts (SegmentChat) then connects and joins, everywhere in parallel. */
  async setup(clients: ClientSpec[], concurrency = 64): Promise<{ registerMs: number; connectMs: number }> {
    const parts = this.assign(clients);
    const check = (phase: string, results: SetupResult[]) => {
      const failed = results.reduce((n, r) => n + r.failed, 0);
      if (failed > 0) {
        const first = results.find((r) => r.firstError)?.firstError;
        throw new Error(`${phase}: ${failed} of ${clients.length} clients failed; first error: ${first}`);
      }
      return Math.max(...results.map((r) => r.ms));
    };
    const registerMs = check(
      'register',
      await this.all<SetupResult>((i) => ({ op: 'register', clients: parts[i]!, concurrency: 16 })),
    );
    const connectMs = check(
      'connect',
      await this.all<SetupResult>((i) => ({ op: 'connect', clients: parts[i]!, concurrency })),
    );
    return { registerMs, connectMs };
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.gens.map(async (gen, i) => {
        if (gen.child.exitCode !== null) return;
        const exited = new Promise((resolve) => gen.child.once('exit', resolve));
        this.call(i, { op: 'exit' }).catch(() => undefined);
        const killer = setTimeout(() => gen.child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(killer);
      }),
    );
  }
}
