import { Limits } from '@segmentchat/protocol';
import type { Message, SignalPayload } from '@segmentchat/protocol';
import { randomUuid } from '../random-uuid.ts';
import type { DirectEntry, DirectMessageStore } from './direct-message-store.ts';
import type { LinkFactory, PeerContext } from './peer-context.ts';
import type { PeerLink } from './peer-link.ts';

/** One line of a DM conversation as the UI shows it, whichever way it went. */
export interface DmItem {
  clientMsgId: string;
  authorId: string;
  authorName: string;
  text: string;
  createdAt: number;
  via: 'direct' | 'server';
  status: 'sent' | 'pending' | 'failed';
  /** The server's copy, for messages that went through it. */
  message?: Message;
}

type Wire = { t: 'dm'; id: string; text: string; at: number; name: string } | { t: 'ack'; id: string };

/** An unacked direct DM goes through the server after this (the peer dedups by clientMsgId). */
const ACK_TIMEOUT_MS = 5_000;
/** Retry a failed link after 2 s, doubling to 60 s, while both sides are online. */
const RETRY_MIN_MS = 2_000;
const RETRY_MAX_MS = 60_000;

/**
 * Direct messages over WebRTC. For each DM whose peer is online, the side with the smaller user
 * id offers a data channel (so the two never offer at once); a DM written while the link is open
 * goes over it, is kept by both sides in their `DirectMessageStore`, and never reaches the
 * server. Without a link (peer offline, no WebRTC, link failed or dropped, or no ack in time) the
 * DM goes into the outbox as an ordinary message of the DM channel, under the same clientMsgId,
 * so the peer shows it once whichever copies arrive.
 */
export class DirectMessages {
  private readonly links = new Map<string, Set<PeerLink>>();
  private readonly entries = new Map<string, DirectEntry>();
  private readonly waiting = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly retry = new Map<
    string,
    { at: number; delay: number; timer: ReturnType<typeof setTimeout> }
  >();
  private readonly snapshots = new Map<string, { key: string; items: readonly DmItem[] }>();
  private loaded: Promise<void> | null = null;
  /** Direct DMs received since the conversation was last read (not kept across reloads). */
  private readonly unreadCounts = new Map<string, number>();
  private version = 0;

  constructor(
    private readonly ctx: PeerContext,
    private readonly makeLink: LinkFactory,
    private readonly store: DirectMessageStore,
  ) {}

  load(): Promise<void> {
    this.loaded ??= this.store.load().then((all) => {
      for (const e of all)
        this.entries.set(e.clientMsgId, e.status === 'sending' ? { ...e, status: 'sent' } : e);
      this.touch();
    });
    return this.loaded;
  }

  /** Opens the links this side should offer (called on ready, presence and channel changes). */
  refresh(): void {
    const self = this.ctx.self();
    if (!self) return;
    for (const c of this.ctx.channels()) {
      if (c.kind !== 'dm' || !c.joined || c.peerId === null) continue;
      const online = (this.ctx.presence(c.peerId)?.status ?? 'offline') !== 'offline';
      if (!online) {
        this.closeLinks(c.id);
        this.retry.delete(c.id);
        continue;
      }
      if (self.user.id > c.peerId || (this.links.get(c.id)?.size ?? 0) > 0) continue;
      const r = this.retry.get(c.id);
      if (r && Date.now() < r.at) continue;
      this.connect(c.id, c.peerId);
    }
  }

  unread(channelId: string): number {
    return this.unreadCounts.get(channelId) ?? 0;
  }

  markRead(channelId: string): void {
    if (this.unreadCounts.delete(channelId)) this.touch();
  }

  /** Whether a DM written now would go direct. */
  isDirect(channelId: string): boolean {
    return this.openLink(channelId) !== null;
  }

  onSignal(from: string, fromConnection: string, channelId: string, payload: SignalPayload): void {
    const c = this.ctx.channel(channelId);
    if (!c || c.kind !== 'dm' || c.peerId !== from) return;
    const set = this.links.get(channelId);
    const existing = [...(set ?? [])].find(
      (l) =>
        l.remoteConnection === fromConnection || (l.remoteConnection === null && payload.kind === 'answer'),
    );
    if (payload.kind === 'offer') {
      existing?.close(false); // the peer started over (reload, new tab)
      const link = this.makeLink({
        initiator: false,
        topic: `dm:${channelId}`,
        remoteUser: from,
        remoteConnection: fromConnection,
      });
      if (!link) return;
      this.adopt(channelId, link);
      void link.onSignal(fromConnection, payload);
      return;
    }
    void existing?.onSignal(fromConnection, payload);
  }

  async send(channelId: string, text: string): Promise<void> {
    const self = this.ctx.self();
    const link = this.openLink(channelId);
    const clientMsgId = randomUuid();
    if (!self || !link || text.length > Limits.MESSAGE_TEXT_MAX) {
      await this.ctx.enqueue(channelId, text, clientMsgId);
      return;
    }
    const entry: DirectEntry = {
      clientMsgId,
      channelId,
      authorId: self.user.id,
      authorName: self.user.username,
      text,
      createdAt: Date.now(),
      status: 'sending',
    };
    await this.store.put(entry);
    this.entries.set(clientMsgId, entry);
    this.touch();
    const wire: Wire = { t: 'dm', id: clientMsgId, text, at: entry.createdAt, name: entry.authorName };
    if (!link.sendData(wire)) return this.fallBack(entry);
    this.waiting.set(
      clientMsgId,
      setTimeout(() => void this.fallBack(entry), ACK_TIMEOUT_MS),
    );
  }

  /** The conversation: server messages, direct ones, and the outbox, by time, once each. */
  items(channelId: string): readonly DmItem[] {
    const server = this.ctx.serverMessages(channelId);
    const pending = this.ctx.pending(channelId);
    const key = `${this.version}:${server.length}:${server.at(-1)?.rev ?? 0}:${pending.length}:${pending.map((p) => p.status).join()}`;
    const cached = this.snapshots.get(channelId);
    if (cached?.key === key) return cached.items;
    const byId = new Map<string, DmItem>();
    for (const e of this.entries.values()) {
      if (e.channelId !== channelId) continue;
      byId.set(e.clientMsgId, { ...e, via: 'direct', status: e.status === 'sent' ? 'sent' : 'pending' });
    }
    for (const p of pending) {
      byId.set(p.clientMsgId, {
        clientMsgId: p.clientMsgId,
        authorId: this.ctx.self()?.user.id ?? '',
        authorName: this.ctx.self()?.user.username ?? '',
        text: p.text,
        createdAt: p.createdAt,
        via: 'server',
        status: p.status === 'failed' ? 'failed' : 'pending',
      });
    }
    for (const m of server) {
      if (m.deleted) {
        byId.delete(m.clientMsgId);
        continue;
      }
      byId.set(m.clientMsgId, {
        clientMsgId: m.clientMsgId,
        authorId: m.authorId ?? '',
        authorName: m.authorName,
        text: m.text,
        createdAt: m.createdAt,
        via: 'server',
        status: 'sent',
        message: m,
      });
    }
    const items = Object.freeze([...byId.values()].sort((a, b) => a.createdAt - b.createdAt));
    this.snapshots.set(channelId, { key, items });
    return items;
  }

  close(): void {
    for (const id of [...this.links.keys()]) this.closeLinks(id);
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
    for (const r of this.retry.values()) clearTimeout(r.timer);
    this.retry.clear();
  }

  private connect(channelId: string, peerId: string): void {
    const link = this.makeLink({
      initiator: true,
      topic: `dm:${channelId}`,
      remoteUser: peerId,
      remoteConnection: null,
    });
    if (!link) return;
    this.adopt(channelId, link);
    void link.start();
  }

  private adopt(channelId: string, link: PeerLink): void {
    let set = this.links.get(channelId);
    if (!set) this.links.set(channelId, (set = new Set()));
    set.add(link);
    link.on('open', () => {
      this.retry.delete(channelId);
      this.touch();
    });
    link.on('message', (v) => void this.onData(channelId, link, v as Wire));
    link.on('close', () => {
      set.delete(link);
      // What the peer never acked goes through the server now rather than after the timeout.
      if (this.openLink(channelId) === null)
        for (const e of this.entries.values())
          if (e.channelId === channelId && e.status === 'sending') void this.fallBack(e);
      this.touch();
      this.scheduleRetry(channelId);
    });
  }

  private scheduleRetry(channelId: string): void {
    const before = this.retry.get(channelId);
    if (before) clearTimeout(before.timer);
    const delay = Math.min(RETRY_MAX_MS, before ? before.delay * 2 : RETRY_MIN_MS);
    const timer = setTimeout(() => this.refresh(), delay);
    (timer as { unref?: () => void }).unref?.();
    this.retry.set(channelId, { at: Date.now() + delay, delay, timer });
  }

  private async onData(channelId: string, link: PeerLink, w: Wire): Promise<void> {
    if (typeof w !== 'object' || w === null) return;
    if (w.t === 'ack' && typeof w.id === 'string') {
      const timer = this.waiting.get(w.id);
      const e = this.entries.get(w.id);
      if (timer === undefined || !e) return;
      clearTimeout(timer);
      this.waiting.delete(w.id);
      const sent: DirectEntry = { ...e, status: 'sent' };
      this.entries.set(w.id, sent);
      this.touch();
      await this.store.put(sent);
      return;
    }
    if (w.t !== 'dm' || typeof w.id !== 'string' || typeof w.text !== 'string') return;
    if (w.text.length > Limits.MESSAGE_TEXT_MAX || w.text.trim() === '') return;
    if (!this.entries.has(w.id)) {
      const entry: DirectEntry = {
        clientMsgId: w.id,
        channelId,
        authorId: link.remoteUser,
        // The server vouches for who is on the link (the signal's sender); the name the peer
        // sends is only a fallback for someone presence does not list.
        authorName:
          this.ctx.presence(link.remoteUser)?.username ??
          (typeof w.name === 'string' ? w.name.slice(0, 64) : ''),
        text: w.text,
        // The peer's clock may be off; a time in the future would pin the line to the bottom.
        createdAt: typeof w.at === 'number' ? Math.min(w.at, Date.now()) : Date.now(),
        status: 'sent',
      };
      await this.store.put(entry);
      this.entries.set(w.id, entry);
      this.unreadCounts.set(channelId, this.unread(channelId) + 1);
      this.touch();
    }
    link.sendData({ t: 'ack', id: w.id } satisfies Wire);
  }

  private async fallBack(entry: DirectEntry): Promise<void> {
    const timer = this.waiting.get(entry.clientMsgId);
    if (timer !== undefined) clearTimeout(timer);
    this.waiting.delete(entry.clientMsgId);
    if (this.entries.get(entry.clientMsgId)?.status !== 'sending') return;
    this.entries.delete(entry.clientMsgId);
    await this.store.delete(entry.clientMsgId);
    await this.ctx.enqueue(entry.channelId, entry.text, entry.clientMsgId);
    this.touch();
  }

  private openLink(channelId: string): PeerLink | null {
    for (const l of this.links.get(channelId) ?? []) if (l.state === 'open') return l;
    return null;
  }

  private closeLinks(channelId: string): void {
    for (const l of [...(this.links.get(channelId) ?? [])]) l.close();
    this.links.delete(channelId);
  }

  private touch(): void {
    this.version++;
    this.ctx.changed();
  }
}
