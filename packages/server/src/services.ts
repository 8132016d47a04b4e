import type { AccountService } from './account-service.ts';
import type { Bus } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import type { CommitBatcher } from './commit-batcher.ts';
import type { HostService } from './host-service.ts';
import type { ServerConfig } from './config.ts';
import type { MessageService } from './message-service.ts';
import type { Metrics } from './metrics.ts';
import type { PresenceService } from './presence-service.ts';
import type { PresenceWatchers } from './presence-watchers.ts';
import type { SignalRelay } from './signal-relay.ts';
import type { Store } from './store.ts';
import type { StreamService } from './stream-service.ts';
import type { TrafficMetrics } from './traffic-metrics.ts';

/** The domain services, built once in `create-server.ts` and handed to the edges. */
export interface Services {
  config: ServerConfig;
  store: Store;
  bus: Bus;
  metrics: Metrics;
  /** Groups message appends into commits; the gateway writes a commit's events right after it. */
  batcher: CommitBatcher;
  accounts: AccountService;
  channels: ChannelService;
  messages: MessageService;
  presence: PresenceService;
  /** Who asked for whose presence beyond their small channels (`presence.watch`). */
  watchers: PresenceWatchers;
  signals: SignalRelay;
  /** Hosted channels: who hosts, relayed messages, fan-out to linked members. */
  hosts: HostService;
  /** Live camera streams: who streams, who watches, direct or through the relay. */
  streams: StreamService;
  /** DM, relay and byte counters for /metrics. */
  traffic: TrafficMetrics;
  /** The per-user secret for messages a channel host relays (HMAC of the user id). */
  relayKey(userId: string): string;
}
