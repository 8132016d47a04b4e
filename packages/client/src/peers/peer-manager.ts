import type { Message, ServerEvent, SignalPayload } from '@segmentchat/protocol';
import type { PendingMessage } from '../outbox-store.ts';
import { ChannelHosting } from './channel-hosting.ts';
import type { HostInfo } from './channel-hosting.ts';
import { DirectMessages } from './direct-messages.ts';
import type { DmItem } from './direct-messages.ts';
import type { DirectMessageStore } from './direct-message-store.ts';
import type { LinkFactory, PeerContext } from './peer-context.ts';
import { PeerLink } from './peer-link.ts';
import type { RtcPeerConnectionCtor } from './rtc-like.ts';

export interface PeerManagerOptions {
  /** WebRTC: the browser's RTCPeerConnection, werift's in Node, or null for "server only". */
  rtc: RtcPeerConnectionCtor | null;
  directStore: DirectMessageStore;
}

/**
 * Peer-to-peer for the client: direct messages and hosted channels over WebRTC data channels,
 * with the server as signaling path and fallback. ChatClient composes it and feeds it the
 * connection's events; the UI reads `dmItems`, `isDirect` and `hostInfo`.
 */
export class PeerManager {
  readonly dms: DirectMessages;
  readonly hosting: ChannelHosting;
  private closed = false;

  constructor(
    private readonly ctx: PeerContext,
    private readonly options: PeerManagerOptions,
  ) {
    const makeLink: LinkFactory = (o) => this.makeLink(o);
    this.dms = new DirectMessages(ctx, makeLink, options.directStore);
    this.hosting = new ChannelHosting(ctx, makeLink);
  }

  /** Whether this runtime can open data channels at all. */
  get supported(): boolean {
    return this.options.rtc !== null;
  }

  onReady(): void {
    if (this.closed) return;
    this.hosting.onReady();
    void this.dms.load().then(() => this.dms.refresh());
  }

  onEvent(e: ServerEvent): void {
    if (this.closed) return;
    if (e.type === 'signal') this.onSignal(e.from, e.fromConnection, e.topic, e.payload);
    else if (e.type === 'host.status') this.hosting.onHostStatus(e);
    else if (e.type === 'presence' || e.type === 'channel.updated' || e.type === 'channel.removed') {
      this.dms.refresh();
      this.hosting.refresh();
    }
  }

  /** A message new to the client (any path): a host forwards it to its members. */
  onMessage(m: Message): void {
    if (!this.closed) this.hosting.onMessage(m);
  }

  /** The outbox's first choice for an entry: through the channel's host, or null for the server. */
  relay(entry: PendingMessage): Promise<Message> | null {
    return this.closed ? null : this.hosting.relay(entry);
  }

  /** Sends a DM: over the data channel when it is open, else through the server (outbox). */
  sendDm(channelId: string, text: string): Promise<void> {
    return this.dms.send(channelId, text);
  }
  dmItems(channelId: string): readonly DmItem[] {
    return this.dms.items(channelId);
  }
  /** Direct DMs received since `markDmRead` (server-path ones count in `client.unreadCount`). */
  dmUnread(channelId: string): number {
    return this.dms.unread(channelId);
  }
  markDmRead(channelId: string): void {
    this.dms.markRead(channelId);
  }
  isDirect(channelId: string): boolean {
    return this.dms.isDirect(channelId);
  }
  hostInfo(channelId: string): HostInfo | null {
    return this.hosting.info(channelId);
  }

  close(): void {
    this.closed = true;
    this.dms.close();
    this.hosting.close();
  }

  private onSignal(from: string, fromConnection: string, topic: string, payload: SignalPayload): void {
    const colon = topic.indexOf(':');
    const kind = topic.slice(0, colon);
    const id = topic.slice(colon + 1);
    if (kind === 'dm') this.dms.onSignal(from, fromConnection, id, payload);
    else if (kind === 'host') this.hosting.onSignal(from, fromConnection, id, payload);
  }

  private makeLink(o: Parameters<LinkFactory>[0]): PeerLink | null {
    const rtc = this.options.rtc;
    const self = this.ctx.self();
    if (!rtc || !self || this.closed) return null;
    // Signals of one link go out one after another: the server handles a connection's frames
    // concurrently, and an ICE candidate overtaking its offer would be dropped by the peer.
    let chain: Promise<unknown> = Promise.resolve();
    try {
      return new PeerLink({
        ...o,
        rtc,
        iceServers: self.iceServers,
        signal: (payload, toConnection) => {
          chain = chain
            .then(() =>
              this.ctx.request('signal', {
                to: o.remoteUser,
                topic: o.topic,
                payload,
                ...(toConnection !== null ? { toConnection } : {}),
              }),
            )
            .catch(() => undefined);
        },
      });
    } catch {
      return null; // RTCPeerConnection refused (disabled by policy or an extension)
    }
  }
}
