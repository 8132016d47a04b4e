import type { TargetKind } from '../targets.ts';
import type { BenchClient, ClientEvents } from './bench-client.ts';
import { RelayClient } from './relay-client.ts';
import { SegmentChatClient } from './segmentchat-client.ts';
import { SocketIoClient } from './socketio-client.ts';

/** One adapter per target: the baselines share a protocol, SegmentChat speaks its own. */
export function createClient(kind: TargetKind, idx: number, url: string, events: ClientEvents): BenchClient {
  switch (kind) {
    case 'ws-relay':
    case 'ws-relay-corked':
      return new RelayClient(idx, url, events);
    case 'socketio':
      return new SocketIoClient(idx, url, events);
    case 'segmentchat':
      return new SegmentChatClient(idx, url, events);
  }
}
