import type {
  Channel,
  IceServer,
  Message,
  Presence,
  RequestParams,
  RequestResult,
  RequestType,
  User,
} from '@segmentchat/protocol';
import type { PendingMessage } from '../outbox-store.ts';
import type { PeerLink } from './peer-link.ts';

/** Who this client is on the current connection (from `hello`). */
export interface PeerSelf {
  user: User;
  connectionId: string;
  relayKey: string;
  iceServers: IceServer[];
}

/**
 * What the peer managers need from the client, handed in by ChatClient so that they never
 * import it: requests, its read models, and ways to feed messages back in.
 */
export interface PeerContext {
  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>>;
  self(): PeerSelf | null;
  channel(id: string): Channel | undefined;
  channels(): readonly Channel[];
  presence(userId: string): Presence | undefined;
  serverMessages(channelId: string): readonly Message[];
  pending(channelId: string): readonly PendingMessage[];
  /** Messages a host forwarded: applied exactly like live events (gaps trigger a sync). */
  applyLive(messages: Message[]): void;
  /** Catch up with the server (after a host link dropped). */
  resync(): void;
  /** Puts a message in the outbox (the server path) under a given clientMsgId. */
  enqueue(channelId: string, text: string, clientMsgId: string): Promise<PendingMessage>;
  /** Something the UI shows changed. */
  changed(): void;
}

/** Makes a link for a topic, or null when this runtime has no WebRTC. */
export type LinkFactory = (options: {
  initiator: boolean;
  topic: string;
  remoteUser: string;
  remoteConnection: string | null;
}) => PeerLink | null;
