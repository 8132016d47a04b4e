import {
  ChatError,
  ErrorCode,
  Limits,
  Message as MessageSchema,
  relaySignedText,
} from '@segmentchat/protocol';
import type { EventPayload, Message, RelayedMessage, SignalPayload } from '@segmentchat/protocol';
import type { PendingMessage } from '../outbox-store.ts';
import { signRelay } from './hmac-sha256.ts';
import type { LinkFactory, PeerContext } from './peer-context.ts';
import type { PeerLink } from './peer-link.ts';

type HostStatus = EventPayload<'host.status'>;

type Wire =
  /** member to host: relay this for me */
  | { t: 'send'; m: RelayedMessage }
  /** host to members: a message the server stored (live fan-out, and the author's ack) */
  | { t: 'msg'; m: Message }
  /** host to an author: the server refused it through me; use the server directly */
  | { t: 'refused'; id: string };

/** What the channel header shows. */
export interface HostInfo {
  hostId: string;
  hostName: string;
  linked: number;
  /** This client: hosting, linked to the host, or on the server path. */
  role: 'host' | 'linked' | 'server';
}

/** A relayed message not stored within this is sent through the server (and the link dropped). */
const RELAY_WAIT_MS = 8_000;
/** The host gathers members' messages this long (or up to HOST_BATCH_MAX) per `host.relay`. */
const FLUSH_MS = 10;
/** Link count reports to the server are coalesced over this window. */
const REPORT_MS = 150;
/** After a host link drops, sync now and again later: the server may still skip us briefly. */
const RESYNC_AFTER_MS = [1_000, 4_000];

/**
 * Hosted channels, both roles. The host (the owner's client that the server accepted with
 * `host.status`) answers members' links, batches their signed messages into `host.relay`, and
 * forwards every new message of the channel to its linked members, whom the server then leaves
 * out of the fan-out. A member links to the host it learns from `host.status` events, sends its
 * outbox entries over the link, and treats any trouble (link drop, refusal, no answer in time)
 * as "use the server": the entry stays in its outbox until stored, and the server dedups on
 * clientMsgId, so nothing is lost or doubled.
 */
export class ChannelHosting {
  private readonly status = new Map<string, HostStatus>();
  /** Owned channels this connection offered to host. */
  private readonly offered = new Set<string>();
  private readonly served = new Map<string, Map<string, PeerLink>>();
  private readonly queue = new Map<string, { m: RelayedMessage; link: PeerLink }[]>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly reportTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly upstream = new Map<string, PeerLink>();
  private readonly waiting = new Map<
    string,
    {
      channelId: string;
      resolve: (m: Message) => void;
      reject: (e: ChatError) => void;
      timer: ReturnType<typeof setTimeout>;
    }
  >();
  private readonly serverOnly = new Set<string>();
  private readonly retryAt = new Map<string, { at: number; delay: number }>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(
    private readonly ctx: PeerContext,
    private readonly makeLink: LinkFactory,
  ) {}

  /** A new connection: links of the old one are void; offer to host the channels we own. */
  onReady(): void {
    this.closeAll();
    this.status.clear();
    this.offered.clear();
    this.refresh();
  }

  onHostStatus(e: HostStatus): void {
    const self = this.ctx.self();
    // A new host (or the old one back) is worth trying at once, whatever the backoff said.
    if (this.status.get(e.channelId)?.hostConnection !== e.hostConnection) this.retryAt.delete(e.channelId);
    this.status.set(e.channelId, e);
    if (e.hostConnection !== self?.connectionId) this.closeServed(e.channelId);
    // The hosting tab of the owner went away: another tab of the owner may take over.
    if (e.hostId === null && this.offered.delete(e.channelId)) this.refresh();
    const up = this.upstream.get(e.channelId);
    if (up && up.remoteConnection !== e.hostConnection) up.close();
    this.ensureUpstream(e.channelId);
    this.ctx.changed();
  }

  /** Offers to host owned channels not offered yet on this connection; links to known hosts. */
  refresh(): void {
    const self = this.ctx.self();
    if (!self) return;
    for (const c of this.ctx.channels()) {
      if (c.kind !== 'channel' || !c.joined || c.ownerId !== self.user.id || this.offered.has(c.id)) continue;
      this.offered.add(c.id);
      this.ctx.request('host.status', { channelId: c.id, linked: 0, connections: [] }).catch(() => undefined);
    }
    for (const id of this.status.keys()) this.ensureUpstream(id);
  }

  info(channelId: string): HostInfo | null {
    const s = this.status.get(channelId);
    if (!s?.hostId) return null;
    const self = this.ctx.self();
    const hosting = s.hostConnection === self?.connectionId;
    return {
      hostId: s.hostId,
      hostName: this.ctx.presence(s.hostId)?.username ?? (hosting ? (self?.user.username ?? '') : ''),
      linked: hosting ? this.openServed(channelId).length : s.linked,
      role: hosting ? 'host' : this.upstream.get(channelId)?.state === 'open' ? 'linked' : 'server',
    };
  }

  onSignal(from: string, fromConnection: string, channelId: string, payload: SignalPayload): void {
    const self = this.ctx.self();
    if (this.status.get(channelId)?.hostConnection === self?.connectionId && self) {
      const links = this.served.get(channelId) ?? new Map<string, PeerLink>();
      this.served.set(channelId, links);
      if (payload.kind === 'offer') {
        links.get(fromConnection)?.close(false);
        const link = this.makeLink({
          initiator: false,
          topic: `host:${channelId}`,
          remoteUser: from,
          remoteConnection: fromConnection,
        });
        if (!link) return;
        links.set(fromConnection, link);
        link.on('open', () => this.report(channelId));
        link.on('message', (v) => this.onHostData(channelId, link, v as Wire));
        link.on('close', () => {
          if (links.get(fromConnection) === link) links.delete(fromConnection);
          this.report(channelId);
        });
      }
      void links.get(fromConnection)?.onSignal(fromConnection, payload);
      return;
    }
    const up = this.upstream.get(channelId);
    if (up && up.remoteUser === from) void up.onSignal(fromConnection, payload);
  }

  /** Member side: sends an outbox entry through the host, or null to use the server. */
  relay(entry: PendingMessage): Promise<Message> | null {
    const self = this.ctx.self();
    const link = this.upstream.get(entry.channelId);
    if (!self || !link || link.state !== 'open' || entry.attachments.length > 0) return null;
    if (this.serverOnly.has(entry.clientMsgId) || this.waiting.has(entry.clientMsgId)) return null;
    const m: RelayedMessage = {
      authorId: self.user.id,
      clientMsgId: entry.clientMsgId,
      text: entry.text,
      sig: signRelay(
        self.relayKey,
        relaySignedText(entry.channelId, self.user.id, entry.clientMsgId, entry.text),
      ),
    };
    if (!link.sendData({ t: 'send', m } satisfies Wire)) return null;
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.serverOnly.add(entry.clientMsgId);
        this.settle(entry.clientMsgId, new ChatError(ErrorCode.UNAVAILABLE, 'The host did not answer'));
        link.close(); // a host that stalls is no host: everyone falls back
      }, RELAY_WAIT_MS);
      this.waiting.set(entry.clientMsgId, { channelId: entry.channelId, resolve, reject, timer });
    });
  }

  /** Host side: a message of a hosted channel reached this client; pass it to the members. */
  onMessage(m: Message): void {
    if (this.status.get(m.channelId)?.hostConnection !== this.ctx.self()?.connectionId) return;
    for (const link of this.openServed(m.channelId)) link.sendData({ t: 'msg', m } satisfies Wire);
  }

  close(): void {
    this.closeAll();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private ensureUpstream(channelId: string): void {
    const self = this.ctx.self();
    const s = this.status.get(channelId);
    const c = this.ctx.channel(channelId);
    if (!self || !s?.hostId || !s.hostConnection || !c?.joined || s.hostId === self.user.id) return;
    if (this.upstream.has(channelId)) return;
    const retry = this.retryAt.get(channelId);
    if (retry && Date.now() < retry.at) return;
    const link = this.makeLink({
      initiator: true,
      topic: `host:${channelId}`,
      remoteUser: s.hostId,
      remoteConnection: s.hostConnection,
    });
    if (!link) return;
    this.upstream.set(channelId, link);
    link.on('open', () => {
      this.retryAt.delete(channelId);
      this.ctx.changed();
    });
    link.on('message', (v) => this.onMemberData(channelId, v as Wire));
    link.on('close', () => {
      if (this.upstream.get(channelId) === link) this.upstream.delete(channelId);
      for (const [id, w] of this.waiting)
        if (w.channelId === channelId)
          this.settle(id, new ChatError(ErrorCode.UNAVAILABLE, 'Host link closed'));
      this.ctx.resync();
      for (const ms of RESYNC_AFTER_MS) this.later(ms, () => this.ctx.resync());
      const delay = Math.min(60_000, (retry?.delay ?? 1_000) * 2);
      this.retryAt.set(channelId, { at: Date.now() + delay, delay });
      this.later(delay, () => this.ensureUpstream(channelId));
      this.ctx.changed();
    });
    void link.start();
  }

  private onMemberData(channelId: string, w: Wire): void {
    if (typeof w !== 'object' || w === null) return;
    if (w.t === 'refused' && typeof w.id === 'string') {
      this.serverOnly.add(w.id);
      this.settle(w.id, new ChatError(ErrorCode.UNAVAILABLE, 'The host could not relay it'));
      return;
    }
    if (w.t !== 'msg') return;
    const parsed = MessageSchema.safeParse(w.m);
    if (!parsed.success || parsed.data.channelId !== channelId) return;
    const m = parsed.data;
    this.ctx.applyLive([m]);
    if (m.authorId === this.ctx.self()?.user.id) this.settle(m.clientMsgId, m);
  }

  private settle(clientMsgId: string, outcome: Message | ChatError): void {
    const w = this.waiting.get(clientMsgId);
    if (!w) return;
    this.waiting.delete(clientMsgId);
    clearTimeout(w.timer);
    if (outcome instanceof ChatError) w.reject(outcome);
    else w.resolve(outcome);
  }

  private onHostData(channelId: string, link: PeerLink, w: Wire): void {
    if (typeof w !== 'object' || w === null || w.t !== 'send' || typeof w.m !== 'object' || w.m === null)
      return;
    // Only the link's own user may send through it; the server checks the signature anyway.
    if (
      w.m.authorId !== link.remoteUser ||
      typeof w.m.text !== 'string' ||
      w.m.text.length > Limits.MESSAGE_TEXT_MAX
    )
      return;
    const q = this.queue.get(channelId) ?? [];
    q.push({ m: w.m, link });
    this.queue.set(channelId, q);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = null;
    for (const [channelId, q] of this.queue) {
      this.queue.delete(channelId);
      for (let i = 0; i < q.length; i += Limits.HOST_BATCH_MAX) {
        const batch = q.slice(i, i + Limits.HOST_BATCH_MAX);
        const refuse = (k: number) =>
          batch[k]!.link.sendData({ t: 'refused', id: batch[k]!.m.clientMsgId } satisfies Wire);
        this.ctx
          .request('host.relay', { channelId, messages: batch.map((b) => b.m) })
          .then((r) =>
            r.results.forEach((res, k) => {
              if (res.message) batch[k]!.link.sendData({ t: 'msg', m: res.message } satisfies Wire);
              else refuse(k);
            }),
          )
          .catch(() => batch.forEach((_b, k) => refuse(k)));
      }
    }
  }

  private report(channelId: string): void {
    if (this.reportTimers.has(channelId)) return;
    const t = setTimeout(() => {
      this.reportTimers.delete(channelId);
      const open = this.openServed(channelId);
      this.ctx
        .request('host.status', {
          channelId,
          linked: open.length,
          connections: open.map((l) => l.remoteConnection).filter((c): c is string => c !== null),
        })
        .catch(() => undefined);
      this.ctx.changed();
    }, REPORT_MS);
    this.reportTimers.set(channelId, t);
  }

  private openServed(channelId: string): PeerLink[] {
    return [...(this.served.get(channelId)?.values() ?? [])].filter((l) => l.state === 'open');
  }

  private closeServed(channelId: string): void {
    const links = this.served.get(channelId);
    if (!links) return;
    this.served.delete(channelId);
    for (const l of links.values()) l.close();
  }

  private closeAll(): void {
    for (const id of [...this.served.keys()]) this.closeServed(id);
    for (const l of [...this.upstream.values()]) l.close();
    this.upstream.clear();
    for (const t of this.reportTimers.values()) clearTimeout(t);
    this.reportTimers.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }
}
