import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type TargetKind = 'ws-relay' | 'ws-relay-corked' | 'socketio' | 'segmentchat';
export const ALL_TARGETS: readonly TargetKind[] = ['ws-relay', 'ws-relay-corked', 'socketio', 'segmentchat'];
export const BASELINES: readonly TargetKind[] = ['ws-relay', 'ws-relay-corked', 'socketio'];

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const TARGET_LABEL: Record<TargetKind, string> = {
  'ws-relay': 'ws relay',
  'ws-relay-corked': 'ws relay corked',
  socketio: 'Socket.IO 4',
  segmentchat: 'SegmentChat',
};

/** How to start a target: a script run with `node --import tsx` and its arguments (port 0: any). */
export function targetCommand(
  kind: TargetKind,
  dataDir: string,
  port = 0,
): { script: string; args: string[] } {
  switch (kind) {
    case 'ws-relay':
      return { script: 'bench/src/baselines/ws-relay.ts', args: ['--port', String(port)] };
    case 'ws-relay-corked':
      return { script: 'bench/src/baselines/ws-relay-corked.ts', args: ['--port', String(port)] };
    case 'socketio':
      return { script: 'bench/src/baselines/socketio-server.ts', args: ['--port', String(port)] };
    case 'segmentchat':
      return {
        script: 'packages/server/src/main.ts',
        args: ['--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir],
      };
  }
}

/**
 * SegmentChat's knobs for a load test: per-user sends and per-connection requests limited far
 * above what 10 senders drive into a hot room (the defaults, 20 sends/s and 50 requests/s, are
 * for people), request logging off so the benchmark does not measure logging. Durability stays
 * at its default (SQLite WAL, synchronous=FULL). SEGMENTCHAT_FAST_HASH / SEGMENTCHAT_SEND_RATE
 * are the names the server spec uses; harmless if unread.
 */
/**
 * How long SegmentChat keeps a user's presence after their last connection: its default, or what
 * the environment gives the server (which passes to it).
 */
export const SEGMENTCHAT_PRESENCE_GRACE_MS = Number(process.env.PRESENCE_GRACE_MS || 10_000);

export const SEGMENTCHAT_ENV: Record<string, string> = {
  SENDS_PER_SECOND: '1000000',
  WS_REQUESTS_PER_SECOND: '1000000',
  LOG: '0',
  SEGMENTCHAT_FAST_HASH: '1',
  SEGMENTCHAT_SEND_RATE: '1000000',
  NODE_ENV: 'production',
};

export function segmentChatAvailable(): boolean {
  return existsSync(`${REPO_ROOT}packages/server/src/main.ts`);
}
