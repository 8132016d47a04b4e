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

/** How to start a target: a script run with `node --import tsx` and its arguments. */
export function targetCommand(kind: TargetKind, dataDir: string): { script: string; args: string[] } {
  switch (kind) {
    case 'ws-relay':
      return { script: 'bench/src/baselines/ws-relay.ts', args: ['--port', '0'] };
    case 'ws-relay-corked':
      return { script: 'bench/src/baselines/ws-relay-corked.ts', args: ['--port', '0'] };
    case 'socketio':
      return { script: 'bench/src/baselines/socketio-server.ts', args: ['--port', '0'] };
    case 'segmentchat':
      return {
        script: 'packages/server/src/main.ts',
        args: ['--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir],
      };
  }
}

/**
 * SegmentChat's setup knobs for a load test: cheap argon2 so thousands of accounts register in
 * seconds (still argon2id), a per-user send rate high enough for 10 senders to drive a hot room,
 * and quiet logs so the benchmark does not measure logging.
 */
export const SEGMENTCHAT_ENV: Record<string, string> = {
  SEGMENTCHAT_FAST_HASH: '1',
  SEGMENTCHAT_SEND_RATE: '1000000',
  LOG_LEVEL: 'warn',
  NODE_ENV: 'production',
};

export function segmentChatAvailable(): boolean {
  return existsSync(`${REPO_ROOT}packages/server/src/main.ts`);
}
