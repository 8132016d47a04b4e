import type { ServerEvent } from '@segmentchat/protocol';

/**
 * What the domain services announce and every gateway (one per server node) acts on. With one
 * node it stays in process; with several, a Redis bus carries the same messages between them.
 */
export type BusMessage =
  /**
   * To every connection subscribed to the channel, but those of `exceptUser` and the
   * `exceptConnections` (members linked to the channel's host, which forwards to them).
   */
  | {
      kind: 'channel';
      channelId: string;
      event: ServerEvent;
      /** `event` already serialized, when the publisher had it (the same as JSON.stringify(event)). */
      eventJson?: string;
      exceptUser?: string;
      exceptConnections?: string[];
    }
  /**
   * To every connection subscribed to any of the channels, once per connection; a `presence`
   * event also to the connections watching its user (marked `watched` for those only watching).
   */
  | { kind: 'channels'; channelIds: string[]; event: ServerEvent }
  /** To every connection of the user (or just one of them). */
  | { kind: 'user'; userId: string; connectionId?: string; event: ServerEvent }
  /** The user's connections start or stop receiving the channel's events. */
  | { kind: 'membership'; userId: string; channelId: string; joined: boolean }
  /**
   * The channel crossed the large-channel size (presence service): whose presence its members'
   * connections are pushed changed, so each is sent what it should hold now.
   */
  | { kind: 'regrouped'; channelId: string }
  /**
   * The user's connections are closed (signed out, revoked, disabled): those of one session
   * (`onlyToken`), or all but one (`exceptToken`), or all.
   */
  | { kind: 'disconnect'; userId: string; reason: string; onlyToken?: string; exceptToken?: string };

export interface Bus {
  publish(message: BusMessage): void;
  /** Returns an unsubscribe function. */
  subscribe(listener: (message: BusMessage) => void): () => void;
}
