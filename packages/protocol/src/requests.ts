import { z } from 'zod';
import {
  Attachment,
  Channel,
  ChannelName,
  ClientMsgId,
  IceServer,
  Id,
  Member,
  Message,
  Presence,
  PresenceCursor,
  Stream,
  Timestamp,
  User,
  Visibility,
} from './entities.ts';
import { Limits } from './limits.ts';

const MessageText = z.string().max(Limits.MESSAGE_TEXT_MAX);
const Ok = z.object({});

/** A signaling payload: opaque SDP / ICE JSON, relayed as is between allowed peers. */
export const SignalPayload = z.object({
  kind: z.enum(['offer', 'answer', 'ice', 'bye']),
  data: z.unknown(),
});
export type SignalPayload = z.infer<typeof SignalPayload>;

/** What a signal is about: a DM link, a hosted-channel link, or a stream. */
export const SignalTopic = z.string().regex(/^(dm|host|stream):[A-Za-z0-9_-]{1,64}$/);

/** `sync`'s parameters, also given to `hello` to have its first page in the reply. */
const SyncParams = z.object({
  /** Per channel, the last `rev` this client has. A channel it never had starts from 0. */
  cursors: z.record(Id, z.number().int().nonnegative()),
  limit: z.number().int().min(1).max(Limits.SYNC_PAGE_MAX).default(Limits.SYNC_PAGE_MAX),
});

/**
 * Changes after each cursor, ascending by `rev` per channel. `cursors` holds the new position
 * per channel; when `hasMore`, call `sync` again with them. Channels the caller cannot read are
 * absent.
 */
const SyncResult = z.object({
  changes: z.array(Message),
  cursors: z.record(Id, z.number().int().nonnegative()),
  hasMore: z.boolean(),
});

/** A message a hosted channel's host forwards for one of its members. */
export const RelayedMessage = z.object({
  authorId: Id,
  clientMsgId: ClientMsgId,
  text: MessageText,
  /** HMAC by the author's relay key (given to the author alone in `hello`), so a host cannot forge. */
  sig: z.string().max(128),
});
export type RelayedMessage = z.infer<typeof RelayedMessage>;

/**
 * Every request a client can make over the WebSocket: its parameters and its result.
 * A request frame is `{ id, type, ...params }`; the reply is `{ re: id, ok: true, ...result }`
 * or `{ re: id, ok: false, error }`.
 */
export const requests = {
  hello: {
    params: z.object({
      protocol: z.number().int(),
      /** Bearer token; browsers send the session cookie with the upgrade instead. */
      token: z.string().max(200).optional(),
      /**
       * The `presenceCursor` of the client's last hello, advanced by each `presence` event's
       * `cursor`: the server then sends only the presence that changed since (`presenceDelta`).
       */
      presenceCursor: PresenceCursor.optional(),
      /**
       * The client's sync cursors: the reply then carries the first page of changes since them
       * (`sync`), read after the connection was subscribed, so a reconnect catches up in one
       * round trip instead of two.
       */
      sync: SyncParams.optional(),
    }),
    result: z.object({
      user: User,
      connectionId: Id,
      serverTime: Timestamp,
      /** The caller's own channels (DMs included); the public ones it is not in: `channel.list`. */
      channels: z.array(Channel),
      /**
       * `presenceDelta: false`: everyone online or away who shares a channel with the caller
       * (replace what you had). `true`: only those whose presence changed since the given cursor,
       * any status (merge into what you had). The server may answer a cursor with `false` when
       * that list is the shorter one.
       */
      presence: z.array(Presence),
      presenceDelta: z.boolean(),
      presenceCursor: PresenceCursor,
      iceServers: z.array(IceServer),
      /** Secret for signing messages that a hosted channel's host relays for this user. */
      relayKey: z.string(),
      streams: z.array(Stream),
      /** Present when `sync` was asked for: the first page, as `sync` answers it. */
      sync: SyncResult.optional(),
    }),
  },
  'channel.list': { params: Ok, result: z.object({ channels: z.array(Channel) }) },
  'channel.create': {
    params: z.object({
      name: ChannelName,
      description: z.string().max(Limits.CHANNEL_DESCRIPTION_MAX).default(''),
      visibility: Visibility.default('public'),
    }),
    result: z.object({ channel: Channel }),
  },
  'channel.join': {
    params: z.object({ channelId: Id.optional(), inviteCode: z.string().max(64).optional() }),
    result: z.object({ channel: Channel }),
  },
  'channel.leave': { params: z.object({ channelId: Id }), result: Ok },
  'channel.invite': {
    /** Owner adds a member by username, or (without `username`) gets an invite code. */
    params: z.object({ channelId: Id, username: z.string().max(64).optional() }),
    result: z.object({ inviteCode: z.string().optional() }),
  },
  'channel.members': {
    params: z.object({ channelId: Id }),
    /**
     * `presence`: those of the members online or away now (the rest are offline), so that a
     * list of a large channel's members, whose presence is not pushed, is right when it opens.
     */
    result: z.object({ members: z.array(Member), presence: z.array(Presence) }),
  },
  'channel.markRead': {
    params: z.object({ channelId: Id, seq: z.number().int().nonnegative() }),
    result: Ok,
  },
  'dm.open': { params: z.object({ userId: Id }), result: z.object({ channel: Channel }) },
  'message.send': {
    params: z.object({
      channelId: Id,
      clientMsgId: ClientMsgId,
      text: MessageText,
      attachments: z.array(Attachment.shape.id).max(Limits.ATTACHMENTS_PER_MESSAGE_MAX).default([]),
    }),
    result: z.object({ message: Message }),
  },
  'message.edit': {
    params: z.object({ messageId: Id, text: MessageText.min(1) }),
    result: z.object({ message: Message }),
  },
  'message.delete': { params: z.object({ messageId: Id }), result: z.object({ message: Message }) },
  'message.history': {
    params: z.object({
      channelId: Id,
      /** Messages with `seq` below this one; omit for the newest. */
      beforeSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(Limits.HISTORY_PAGE_MAX).default(50),
    }),
    /** Ascending by `seq`. `hasMore` says older messages remain. */
    result: z.object({ messages: z.array(Message), hasMore: z.boolean() }),
  },
  sync: { params: SyncParams, result: SyncResult },
  typing: { params: z.object({ channelId: Id }), result: Ok },
  'presence.set': { params: z.object({ status: z.enum(['online', 'away']) }), result: Ok },
  /**
   * The people whose presence this connection wants pushed even though it shares no small channel
   * with them (members of a large channel shown in a member list): replaces the last set; `[]`
   * ends it. The result is their presence now; later changes come as `presence` events with
   * `watched: true`. Users who share no channel with the caller are left out. A reconnect starts
   * with nothing watched.
   */
  'presence.watch': {
    params: z.object({ userIds: z.array(Id).max(Limits.PRESENCE_WATCH_MAX) }),
    /** `presenceCursor`: where the stream of changes stood for this answer; later events are newer. */
    result: z.object({ presence: z.array(Presence), presenceCursor: PresenceCursor }),
  },
  signal: {
    params: z.object({
      to: Id,
      /** A connection of `to`; omitted, the signal goes to all of that user's connections. */
      toConnection: Id.optional(),
      topic: SignalTopic,
      payload: SignalPayload,
    }),
    result: Ok,
  },
  'host.relay': {
    params: z.object({
      channelId: Id,
      messages: z.array(RelayedMessage).min(1).max(Limits.HOST_BATCH_MAX),
    }),
    /** One entry per relayed message, in order: the stored message or why it was refused. */
    result: z.object({
      results: z.array(
        z.object({ clientMsgId: z.string(), message: Message.optional(), error: z.string().optional() }),
      ),
    }),
  },
  'host.status': {
    /**
     * The channel's owner offers to host it (first call) and reports how many members are
     * linked. `connections` are the linked members' connection ids (learned from their `host:`
     * signals): the server stops sending them `message.new` for the channel, which the host
     * forwards instead, and resumes the moment the host's connection closes.
     */
    params: z.object({
      channelId: Id,
      linked: z.number().int().nonnegative(),
      connections: z.array(Id).max(1000).optional(),
    }),
    result: Ok,
  },
  'stream.start': { params: z.object({ channelId: Id }), result: z.object({ stream: Stream }) },
  'stream.stop': { params: z.object({ streamId: Id }), result: Ok },
  'stream.join': {
    params: z.object({
      streamId: Id,
      /** Ask for the relay: the direct link to the streamer failed or cannot be made. */
      relay: z.boolean().optional(),
    }),
    /** `direct`: negotiate with the streamer; `relay`: negotiate with the server's relay. */
    result: z.object({ stream: Stream, mode: z.enum(['direct', 'relay']) }),
  },
  'stream.leave': { params: z.object({ streamId: Id }), result: Ok },
  /**
   * Signaling with the server's relay (a selective forwarding unit): the streamer publishes its
   * upstream, a relayed viewer receives. The client sends its `offer` (answered in the result)
   * and its `ice` candidates; `bye` closes that client's link. The server's answer carries all
   * of its candidates, so nothing comes back unasked.
   */
  'stream.relay': {
    params: z.object({ streamId: Id, payload: SignalPayload }),
    result: z.object({ payload: SignalPayload.optional() }),
  },
  'stream.list': { params: Ok, result: z.object({ streams: z.array(Stream) }) },
  ping: { params: Ok, result: z.object({ serverTime: Timestamp }) },
} as const;

export type RequestType = keyof typeof requests;
export type RequestParams<T extends RequestType> = z.input<(typeof requests)[T]['params']>;
export type ParsedParams<T extends RequestType> = z.output<(typeof requests)[T]['params']>;
export type RequestResult<T extends RequestType> = z.infer<(typeof requests)[T]['result']>;

export type { Channel, Member, Message, Presence, Stream, User };
