import { ChatError } from '@segmentchat/protocol';
import type { Attachment, Message, ParsedParams } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import type { CommitBatcher } from './commit-batcher.ts';
import { newMessageId } from './message-id.ts';
import type { Metrics } from './metrics.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RateSpec } from './config.ts';
import type { Store, UserRow } from './store.ts';
import { SyncPageCache } from './sync-page-cache.ts';
import type { SyncPage } from './sync-page-cache.ts';
import type { SyncAnswer } from './sync-reply.ts';

/** Turns attachment ids into stored attachments the caller may use; the uploads issue plugs in here. */
export type AttachmentResolver = (user: UserRow, ids: string[], channelId: string) => Promise<Attachment[]>;

const noUploads: AttachmentResolver = async (_user, ids) => {
  if (ids.length > 0) throw ChatError.notFound('No such attachment');
  return [];
};

/** Messages: send (exactly once per clientMsgId), edit, delete, history and sync. */
export class MessageService {
  private readonly sendLimiter: RateLimiter;
  private readonly syncPages = new SyncPageCache();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly channels: ChannelService,
    private readonly batcher: CommitBatcher,
    sendRate: RateSpec,
    private readonly metrics: Metrics,
    private readonly resolveAttachments: AttachmentResolver = noUploads,
  ) {
    this.sendLimiter = new RateLimiter(sendRate);
  }

  /**
   * Stores a message once and announces it. Returns it with its JSON, made once for the ack to
   * its author and the event to its channel alike (each a JSON.stringify of the same message).
   */
  async send(user: UserRow, p: ParsedParams<'message.send'>): Promise<SentMessage> {
    let attachments: Attachment[];
    try {
      await this.channels.checkJoined(user, p.channelId);
      if (p.text.trim() === '' && p.attachments.length === 0) throw ChatError.invalid('The message is empty');
      const wait = this.sendLimiter.take(user.id);
      if (wait > 0) throw ChatError.rateLimited(wait);
      attachments = await this.resolveAttachments(user, p.attachments, p.channelId);
    } catch (e) {
      // A resend of an acked message returns the first ack, whatever would refuse it now (even
      // the author having left the channel): the client only needs to learn that it was stored.
      // Looked up only when refusing; a resend that passes is found by the store's dedup.
      const earlier = await this.store.findByClientMsgId(user.id, p.clientMsgId);
      if (earlier) return sent(this.sameChannel(earlier, p.channelId));
      throw e;
    }
    const now = Date.now();
    const r = await this.batcher.append({
      id: newMessageId(now),
      channelId: p.channelId,
      authorId: user.id,
      authorName: user.username,
      clientMsgId: p.clientMsgId,
      kind: 'text',
      text: p.text,
      attachments,
      createdAt: now,
    });
    switch (r.status) {
      case 'created': {
        const created = sent(r.message);
        this.bus.publish({
          kind: 'channel',
          channelId: p.channelId,
          event: { type: 'message.new', message: r.message },
          eventJson: messageNewJson(created.json),
        });
        return created;
      }
      case 'duplicate':
        // A resend costs nothing, as when it was answered before taking a token.
        this.sendLimiter.refund(user.id);
        return sent(this.sameChannel(r.message, p.channelId));
      case 'conflict':
        throw ChatError.conflict('That clientMsgId was used for another message');
      case 'refused':
        throw ChatError.notFound('No such channel');
    }
  }

  async edit(user: UserRow, messageId: string, text: string): Promise<Message> {
    const m = await this.own(user, messageId);
    if (m.deleted) throw ChatError.notFound('That message was deleted');
    return this.update(m.channelId, messageId, { text, deleted: false, editedAt: Date.now() });
  }

  async delete(user: UserRow, messageId: string): Promise<Message> {
    const m = await this.own(user, messageId, true);
    if (m.deleted) return m;
    return this.update(m.channelId, messageId, { text: '', deleted: true, editedAt: Date.now() });
  }

  async history(
    user: UserRow,
    p: ParsedParams<'message.history'>,
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const c = await this.channels.readable(user, p.channelId);
    return this.store.history(c.id, p.beforeSeq, p.limit);
  }

  /**
   * Changes after each cursor, up to `limit` in all, as pages shared with everyone who asks for
   * the same ones. Channels the caller cannot read are left out, exactly like channels that do
   * not exist, so sync reveals nothing either.
   */
  async sync(user: UserRow, p: ParsedParams<'sync'>): Promise<SyncAnswer> {
    const pages: SyncPage[] = [];
    let count = 0;
    const cursors: Record<string, number> = {};
    let hasMore = false;
    for (const [channelId, after] of Object.entries(p.cursors)) {
      let channel;
      try {
        channel = await this.channels.readable(user, channelId);
      } catch {
        continue;
      }
      const room = p.limit - count;
      if (room <= 0) {
        cursors[channelId] = after;
        hasMore ||= channel.rev > after;
        continue;
      }
      let page = this.syncPages.get(channel.id, after, room, channel.rev);
      if (page) this.metrics.syncPagesShared++;
      else {
        const messages = await this.store.changesSince(channel.id, after, room);
        this.metrics.syncPagesRead++;
        this.metrics.syncMessagesRead += messages.length;
        // `channel.rev` was read before the page, as the cache requires.
        page = this.syncPages.put(channel.id, after, room, channel.rev, messages);
      }
      pages.push(page);
      count += page.messages.length;
      // A channel's rev is the rev of its newest change, so a short page means "all caught up".
      cursors[channelId] = page.messages.at(-1)?.rev ?? after;
      if (page.messages.length === room) hasMore = true;
    }
    return { pages, cursors, hasMore };
  }

  private async own(user: UserRow, messageId: string, adminMay = false): Promise<Message> {
    const m = await this.store.findMessage(messageId);
    if (!m) throw ChatError.notFound('No such message');
    await this.channels.readable(user, m.channelId).catch(() => {
      throw ChatError.notFound('No such message');
    });
    if (m.authorId !== user.id && !(adminMay && user.role === 'admin'))
      throw ChatError.forbidden('Only the author can change a message');
    return m;
  }

  private async update(
    channelId: string,
    messageId: string,
    change: { text: string; deleted: boolean; editedAt: number },
  ): Promise<Message> {
    const message = await this.store.updateMessage(messageId, change);
    this.bus.publish({ kind: 'channel', channelId, event: { type: 'message.updated', message } });
    return message;
  }

  private sameChannel(m: Message, channelId: string): Message {
    if (m.channelId !== channelId) throw ChatError.conflict('That clientMsgId was used for another channel');
    return m;
  }
}

/** A stored message and the same as JSON. */
export interface SentMessage {
  message: Message;
  json: string;
}

function sent(message: Message): SentMessage {
  return { message, json: JSON.stringify(message) };
}

/** The `message.new` event around a message already serialized: JSON.stringify of the event. */
export function messageNewJson(messageJson: string): string {
  return `{"type":"message.new","message":${messageJson}}`;
}
