import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChatError, relaySignedText } from '@segmentchat/protocol';
import type { Message, ParsedParams, RelayedMessage, RequestResult } from '@segmentchat/protocol';
import type { Bus, BusMessage } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import type { CommitBatcher } from './commit-batcher.ts';
import type { Connection } from './connection.ts';
import type { RateSpec } from './config.ts';
import { newId } from './new-id.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { Store, UserRow } from './store.ts';
import type { TrafficMetrics } from './traffic-metrics.ts';

interface Hosting {
  userId: string;
  connectionId: string;
  /** Linked members' connections: they get the channel's new messages from the host instead. */
  linked: string[];
  linkedCount: number;
}

/** Connections remembered per hosted channel: ~10 reconnects each for 200 members. */
const MAX_CANDIDATES = 2000;

type RelayResult = RequestResult<'host.relay'>['results'][number];

/**
 * Hosted channels. A channel's owner (its creator) offers to host it with `host.status`; the
 * first of its connections to do so hosts until that connection closes. The host forwards its
 * members' messages with `host.relay`; each is signed by its author's relay key, which the host
 * never sees, so the server stores only what members really wrote, with the usual idempotency
 * on (author, clientMsgId). While a host is connected, the server leaves the linked members out
 * of `message.new` fan-out for the channel (the host forwards those); the moment the host's
 * socket closes, everyone gets everything from the server again.
 */
export class HostService {
  private readonly hosts = new Map<string, Hosting>();
  /** Per channel, connections that signaled its host (`host:<channelId>`), and their users. */
  private readonly candidates = new Map<string, Map<string, string>>();
  private readonly authorLimiter: RateLimiter;

  constructor(
    private readonly store: Store,
    /** The undecorated bus: the host service's own events are never filtered by `route`. */
    private readonly bus: Bus,
    private readonly channels: ChannelService,
    private readonly batcher: CommitBatcher,
    private readonly relayKey: (userId: string) => string,
    private readonly traffic: TrafficMetrics,
    /** The per-user send limit of `message.send`, applied to each author of relayed messages too. */
    sendRate: RateSpec,
  ) {
    this.authorLimiter = new RateLimiter(sendRate);
    // Someone coming online, or joining a hosted channel, learns who hosts (the header shows it,
    // and the client links to that host).
    bus.subscribe((m) => {
      if (this.hosts.size === 0) return;
      if (m.kind === 'channels' && m.event.type === 'presence' && m.event.status === 'online')
        void this.greet(m.event.userId).catch(() => {});
      if (m.kind === 'membership' && m.joined) this.tell(m.userId, [m.channelId]);
    });
  }

  /** The bus decorator's hook: leaves linked members out of a hosted channel's new messages. */
  route(m: BusMessage): BusMessage {
    if (m.kind !== 'channel' || m.event.type !== 'message.new') return m;
    const h = this.hosts.get(m.channelId);
    if (!h || h.linked.length === 0) return m;
    return { ...m, exceptConnections: [...(m.exceptConnections ?? []), ...h.linked] };
  }

  /** Remembers who signaled a channel's host, so `host.status` can only name real candidates. */
  noteSignal(from: UserRow, fromConnection: string, topic: string): void {
    if (!topic.startsWith('host:')) return;
    const channelId = topic.slice('host:'.length);
    if (!this.hosts.has(channelId)) return;
    let set = this.candidates.get(channelId);
    if (!set) this.candidates.set(channelId, (set = new Map<string, string>()));
    set.delete(fromConnection);
    set.set(fromConnection, from.id);
    // Members reconnect with new connection ids; the oldest entries go first.
    if (set.size > MAX_CANDIDATES) set.delete(set.keys().next().value!);
  }

  async status(user: UserRow, connection: Connection, p: ParsedParams<'host.status'>): Promise<void> {
    const c = await this.channels.joined(user, p.channelId);
    if (c.kind !== 'channel' || c.ownerId !== user.id)
      throw ChatError.forbidden("Only the channel's creator can host it");
    const current = this.hosts.get(c.id);
    // Another connection of the owner hosts already: this one stays a plain member.
    if (current && current.connectionId !== connection.id) return;
    const candidates = this.candidates.get(c.id);
    const linked: string[] = [];
    for (const id of p.connections ?? []) {
      const memberId = candidates?.get(id);
      if (memberId !== undefined && (await this.store.isMember(c.id, memberId))) linked.push(id);
    }
    const next: Hosting = { userId: user.id, connectionId: connection.id, linked, linkedCount: p.linked };
    this.hosts.set(c.id, next);
    if (!current) connection.ws.once('close', () => this.hostLeft(c.id, connection.id));
    if (!current || current.linkedCount !== next.linkedCount || current.linked.length !== linked.length)
      this.announce(c.id, next);
  }

  /** Who hosts each channel now; sent to a user's connections when it comes online. */
  statusFor(
    channelIds: readonly string[],
  ): { channelId: string; hostId: string; hostConnection: string; linked: number }[] {
    const out = [];
    for (const channelId of channelIds) {
      const h = this.hosts.get(channelId);
      if (h) out.push({ channelId, hostId: h.userId, hostConnection: h.connectionId, linked: h.linkedCount });
    }
    return out;
  }

  /** Tells a user who just came online who hosts its channels (the header shows it). */
  async greet(userId: string): Promise<void> {
    this.tell(userId, await this.store.memberChannelIds(userId));
  }

  private tell(userId: string, channelIds: readonly string[]): void {
    for (const s of this.statusFor(channelIds))
      this.bus.publish({ kind: 'user', userId, event: { type: 'host.status', ...s } });
  }

  async relay(
    user: UserRow,
    connection: Connection,
    p: ParsedParams<'host.relay'>,
  ): Promise<RequestResult<'host.relay'>> {
    const c = await this.channels.joined(user, p.channelId);
    const h = this.hosts.get(c.id);
    if (c.kind !== 'channel' || c.ownerId !== user.id || h?.connectionId !== connection.id)
      throw ChatError.forbidden('Only the current host of this channel can relay');
    this.traffic.relayBatches++;
    // Checks first (they wait on the store), then every append in one turn: the batch commits
    // in one transaction, in the order the host gave.
    const checked = await Promise.all(p.messages.map((m) => this.check(c.id, m)));
    const results = await Promise.all(
      checked.map(async (r, i): Promise<RelayResult> => {
        const m = p.messages[i]!;
        if (typeof r === 'string') return { clientMsgId: m.clientMsgId, error: r };
        if ('stored' in r) return { clientMsgId: m.clientMsgId, message: r.stored };
        const a = await this.batcher.append({
          id: newId(),
          channelId: c.id,
          authorId: r.author.id,
          authorName: r.author.username,
          clientMsgId: m.clientMsgId,
          kind: 'text',
          text: m.text,
          attachments: [],
          createdAt: Date.now(),
        });
        if (a.status === 'refused') return { clientMsgId: m.clientMsgId, error: 'NOT_FOUND' };
        if (a.status === 'conflict') return { clientMsgId: m.clientMsgId, error: 'CONFLICT' };
        if (a.status === 'created') {
          this.traffic.relayedMessages++;
          this.bus.publish(
            this.route({
              kind: 'channel',
              channelId: c.id,
              event: { type: 'message.new', message: a.message },
            }),
          );
        }
        return { clientMsgId: m.clientMsgId, message: a.message };
      }),
    );
    return { results };
  }

  /** An error code, the message already stored (a resend), or the author to store it for. */
  private async check(
    channelId: string,
    m: RelayedMessage,
  ): Promise<string | { stored: Message } | { author: UserRow }> {
    const author = await this.store.findUserById(m.authorId);
    if (!author || author.disabled) return 'FORBIDDEN';
    const expected = createHmac('sha256', this.relayKey(author.id))
      .update(relaySignedText(channelId, author.id, m.clientMsgId, m.text))
      .digest();
    const given = Buffer.from(m.sig, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'FORBIDDEN';
    const earlier = await this.store.findByClientMsgId(author.id, m.clientMsgId);
    if (earlier) return earlier.channelId === channelId ? { stored: earlier } : 'CONFLICT';
    if (!(await this.store.isMember(channelId, author.id))) return 'FORBIDDEN';
    if (m.text.trim() === '') return 'INVALID';
    // A host must not let a member past its send limit; refused, the member's client resends
    // through the server, which answers RATE_LIMITED with a time to wait.
    if (this.authorLimiter.take(author.id) > 0) return 'RATE_LIMITED';
    return { author };
  }

  private hostLeft(channelId: string, connectionId: string): void {
    if (this.hosts.get(channelId)?.connectionId !== connectionId) return;
    this.hosts.delete(channelId);
    this.candidates.delete(channelId);
    this.bus.publish({
      kind: 'channel',
      channelId,
      event: { type: 'host.status', channelId, hostId: null, hostConnection: null, linked: 0 },
    });
  }

  private announce(channelId: string, h: Hosting): void {
    this.bus.publish({
      kind: 'channel',
      channelId,
      event: {
        type: 'host.status',
        channelId,
        hostId: h.userId,
        hostConnection: h.connectionId,
        linked: h.linkedCount,
      },
    });
  }
}
