import type { SerializedHistogram } from '../histogram.ts';
import type { TargetKind } from '../targets.ts';

/** One simulated user: its global index, account name and the rooms it joins. */
export interface ClientSpec {
  idx: number;
  name: string;
  rooms: string[];
  /** SegmentChat: the account's bearer token when it was seeded; else the generator registers it. */
  token?: string;
}

/** An open-loop sender: `client` posts to `room` at `rate` messages/s. */
export interface SendPlan {
  client: number;
  room: string;
  /** Messages per second. */
  rate: number;
  /** Messages sent back to back at each scheduled time (default 1); with more, senders start together. */
  burst?: number;
}

export interface RunCommand {
  op: 'run';
  run: number;
  /** When to start sending, on the shared monotonic clock (us). */
  startUs: number;
  durationMs: number;
  payloadBytes: number;
  sends: SendPlan[];
  /** Clients that read slowly during this run; their deliveries are counted apart. */
  slow: number[];
  /** After sending, wait until no delivery arrived for this long... */
  quietMs: number;
  /** ...but never longer than this. */
  maxDrainMs: number;
}

export interface ClosedLoopCommand {
  op: 'closed';
  run: number;
  startUs: number;
  durationMs: number;
  payloadBytes: number;
  /** Requests each sender keeps in flight. */
  window: number;
  senders: Array<{ client: number; room: string }>;
  quietMs: number;
  maxDrainMs: number;
}

export type GeneratorCommand =
  | { op: 'init'; target: TargetKind; url: string }
  | { op: 'register'; clients: ClientSpec[]; concurrency: number }
  | { op: 'connect'; clients: ClientSpec[]; concurrency: number }
  | RunCommand
  | ClosedLoopCommand
  | { op: 'disconnect' }
  | { op: 'storm'; startUs: number; expected: number; timeoutMs: number }
  | { op: 'exit' };

export interface SetupResult {
  ms: number;
  done: number;
  failed: number;
  firstError?: string;
}

export interface CpuReading {
  cpuMs: number;
  wallMs: number;
  corePct: number;
  waitMs: number;
}

export interface RunResult {
  delivered: number;
  slowDelivered: number;
  latency: SerializedHistogram;
  /** How late the generator sent each message after its scheduled time. */
  sendLag: SerializedHistogram;
  sentByRoom: Record<string, number>;
  /** Closed loop only: acknowledged sends and their round-trip time. */
  acks: number;
  ackLatency: SerializedHistogram;
  errors: Record<string, number>;
  closes: Record<string, number>;
  cpu: CpuReading;
}

export interface StormResult {
  caughtUp: number;
  failed: number;
  fetched: number;
  /** Per client: time from the storm's start until it had everything (us). */
  done: SerializedHistogram;
  firstError?: string;
  cpu: CpuReading;
}

export type GeneratorReply = { seq: number } & ({ ok: true; result: unknown } | { ok: false; error: string });
export type GeneratorRequest = { seq: number } & GeneratorCommand;
