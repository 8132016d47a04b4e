import { z } from 'zod';
import { Channel, Id, Member, Message, Presence, PresenceCursor, Stream, Timestamp } from './entities.ts';
import { SignalPayload } from './requests.ts';

/** Every event the server pushes: `{ type, ...payload }`. */
export const events = {
  /** A new message in a channel the client is a member of. */
  'message.new': z.object({ message: Message }),
  /** A message was edited or deleted (`deleted: true`, text emptied). */
  'message.updated': z.object({ message: Message }),
  /** A channel appeared for the client or changed (created, joined, invited, renamed, counts). */
  'channel.updated': z.object({ channel: Channel }),
  /** The client lost access to a channel (left, removed, deleted). */
  'channel.removed': z.object({ channelId: Id, reason: z.enum(['left', 'removed', 'deleted']) }),
  'member.joined': z.object({ channelId: Id, member: Member }),
  'member.left': z.object({ channelId: Id, userId: Id }),
  /**
   * A user's presence changed, or they joined one of the client's channels. Pushed to those who
   * share a channel of at most the server's large-channel size with the user; `watched: true`
   * when it comes only because the client asked (`presence.watch`).
   */
  presence: Presence.extend({ cursor: PresenceCursor, watched: z.literal(true).optional() }),
  /**
   * One of the client's channels crossed the large-channel size: whose presence is pushed to the
   * client changed. Replace what was pushed (not what was watched) with `presence`, as a hello
   * answered with `presenceDelta: false`, and resume from `cursor`.
   */
  'presence.reset': z.object({ presence: z.array(Presence), cursor: PresenceCursor }),
  typing: z.object({ channelId: Id, userId: Id, username: z.string() }),
  signal: z.object({
    from: Id,
    fromName: z.string(),
    fromConnection: Id,
    topic: z.string(),
    payload: SignalPayload,
  }),
  /** Who hosts a channel right now and how many members are linked to the host. */
  'host.status': z.object({
    channelId: Id,
    hostId: Id.nullable(),
    hostConnection: Id.nullable(),
    linked: z.number().int(),
  }),
  'stream.started': z.object({ stream: Stream }),
  'stream.updated': z.object({ stream: Stream }),
  'stream.ended': z.object({ streamId: Id, channelId: Id }),
  /** The session ended (signed out elsewhere, disabled by an admin); the socket closes next. */
  'session.ended': z.object({ reason: z.string() }),
  /** The server is about to restart or stop; clients reconnect with backoff. */
  'server.shutdown': z.object({ restart: z.boolean(), at: Timestamp }),
} as const;

export type EventType = keyof typeof events;
export type EventPayload<T extends EventType> = z.infer<(typeof events)[T]>;
export type ServerEvent = { [T in EventType]: { type: T } & EventPayload<T> }[EventType];
