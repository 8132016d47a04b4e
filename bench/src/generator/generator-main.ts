/**
 * A load-generator process. The coordinator (run.ts) forks several, pinned away from the
 * server's core, and drives them over IPC with the commands in generator-commands.ts. Each holds
 * up to a few thousand client connections (one file descriptor each; a process may open ~20,000).
 */
import { Histogram } from '../histogram.ts';
import { nowUs, sleep } from '../mono-clock.ts';
import { CpuMeter } from '../proc-stats.ts';
import type { TargetKind } from '../targets.ts';
import type { BenchClient } from './bench-client.ts';
import { createClient } from './client-factory.ts';
import type {
  ClientSpec,
  GeneratorCommand,
  GeneratorReply,
  GeneratorRequest,
  SetupResult,
  StormResult,
} from './generator-commands.ts';
import { LoadSession } from './load-session.ts';
import { mapLimit } from './map-limit.ts';
import { registerAccount, SegmentChatClient } from './segmentchat-client.ts';

let target: TargetKind = 'ws-relay';
let url = '';
const session = new LoadSession();
const tokens = new Map<number, string>();
/** Each client's position in each room when it joined: where a reconnect resumes from. */
const cursors = new Map<number, Map<string, number>>();

async function register(clients: ClientSpec[], concurrency: number): Promise<SetupResult> {
  const started = performance.now();
  if (target !== 'segmentchat') return { ms: 0, done: clients.length, failed: 0 };
  const outcome = await mapLimit(clients, concurrency, async (spec) => {
    tokens.set(spec.idx, spec.token ?? (await registerAccount(url, spec.name)));
  });
  return { ms: performance.now() - started, done: clients.length - outcome.failed, ...outcome };
}

function newClient(spec: ClientSpec): BenchClient {
  const client = createClient(target, spec.idx, url, session);
  if (client instanceof SegmentChatClient) client.token = tokens.get(spec.idx) ?? '';
  return client;
}

async function connect(clients: ClientSpec[], concurrency: number): Promise<SetupResult> {
  const started = performance.now();
  const outcome = await mapLimit(clients, concurrency, async (spec) => {
    const client = newClient(spec);
    await client.connect();
    session.clients.set(spec.idx, client);
    const positions = new Map<string, number>();
    for (const room of spec.rooms) positions.set(room, await client.join(room));
    cursors.set(spec.idx, positions);
  });
  return { ms: performance.now() - started, done: clients.length - outcome.failed, ...outcome };
}

async function disconnect(): Promise<SetupResult> {
  const started = performance.now();
  await Promise.all([...session.clients.values()].map((c) => c.close()));
  return { ms: performance.now() - started, done: session.clients.size, failed: 0 };
}

/** Every client reconnects at `startUs` and fetches what it missed; we time each one. */
async function storm(startUs: number, expected: number, timeoutMs: number): Promise<StormResult> {
  const done = new Histogram();
  let caughtUp = 0;
  let fetched = 0;
  const wait = (startUs - nowUs()) / 1000;
  if (wait > 0) await sleep(wait);
  const meter = new CpuMeter('self');
  const clients = [...session.clients.values()];
  const outcome = await mapLimit(clients, clients.length, async (client) => {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`not caught up after ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    const work = (async () => {
      const got = await client.reconnect(cursors.get(client.idx) ?? new Map<string, number>());
      fetched += got;
      if (got < expected) throw new Error(`client ${client.idx} got ${got} of ${expected} missed messages`);
      caughtUp += 1;
      done.record(nowUs() - startUs);
    })();
    await Promise.race([work, timeout]);
  });
  return { caughtUp, fetched, done: done.toSparse(), cpu: meter.read(), ...outcome };
}

async function handle(cmd: GeneratorCommand): Promise<unknown> {
  switch (cmd.op) {
    case 'init':
      target = cmd.target;
      url = cmd.url;
      return {};
    case 'register':
      return register(cmd.clients, cmd.concurrency);
    case 'connect':
      return connect(cmd.clients, cmd.concurrency);
    case 'run':
      return session.runOpenLoop(cmd);
    case 'closed':
      return session.runClosedLoop(cmd);
    case 'disconnect':
      return disconnect();
    case 'storm':
      return storm(cmd.startUs, cmd.expected, cmd.timeoutMs);
    case 'exit':
      await disconnect();
      setImmediate(() => process.exit(0));
      return {};
  }
}

process.on('message', (msg: GeneratorRequest) => {
  const reply = (body: GeneratorReply) => process.send?.(body);
  handle(msg).then(
    (result) => reply({ seq: msg.seq, ok: true, result }),
    (err: unknown) =>
      reply({
        seq: msg.seq,
        ok: false,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      }),
  );
});
// The coordinator going away (even by SIGKILL) closes the IPC channel: never linger after it.
process.on('disconnect', () => process.exit(0));
