import { z } from 'zod';
import { CHANNEL_NAME_PATTERN, Limits } from './limits.ts';

export const Id = z.string().min(1).max(64);
export const ClientMsgId = z.uuid();
/** Milliseconds since the Unix epoch. */
export const Timestamp = z.number().int().nonnegative();

export const Role = z.enum(['user', 'admin', 'visitor']);
export type Role = z.infer<typeof Role>;

export const User = z.object({
  id: Id,
  username: z.string(),
  role: Role,
  /** True while the account must set a new password before anything else. */
  mustChangePassword: z.boolean(),
});
export type User = z.infer<typeof User>;

export const PresenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof PresenceStatus>;

export const Presence = z.object({
  userId: Id,
  username: z.string(),
  status: PresenceStatus,
  lastSeen: Timestamp.nullable(),
});
export type Presence = z.infer<typeof Presence>;

/**
 * A position in the server's stream of presence changes: `epoch.number`, the server process's
 * random epoch and a counter. A client that hands it back in `hello` gets only what changed since.
 */
export const PresenceCursor = z.string().max(64);

export const Visibility = z.enum(['public', 'private']);
export type Visibility = z.infer<typeof Visibility>;

export const ChannelKind = z.enum(['channel', 'dm']);
export type ChannelKind = z.infer<typeof ChannelKind>;

export const ChannelName = z
  .string()
  .min(Limits.CHANNEL_NAME_MIN)
  .max(Limits.CHANNEL_NAME_MAX)
  .regex(CHANNEL_NAME_PATTERN, 'Use lower-case letters, digits, - and _');

export const Channel = z.object({
  id: Id,
  kind: ChannelKind,
  name: z.string(),
  description: z.string(),
  visibility: Visibility,
  ownerId: Id.nullable(),
  createdAt: Timestamp,
  memberCount: z.number().int().nonnegative(),
  /** Whether the caller is a member. Public channels are listed to non-members too. */
  joined: z.boolean(),
  /** Highest message `seq` in the channel (0 when empty). */
  lastSeq: z.number().int().nonnegative(),
  /** Highest change number (`rev`) in the channel: the cursor `sync` resumes from. */
  rev: z.number().int().nonnegative(),
  /** The caller's read position (a `seq`), for unread counts. */
  readSeq: z.number().int().nonnegative(),
  /** For a DM, the other user's id. */
  peerId: Id.nullable(),
});
export type Channel = z.infer<typeof Channel>;

export const Member = z.object({
  userId: Id,
  username: z.string(),
  role: Role,
  isOwner: z.boolean(),
});
export type Member = z.infer<typeof Member>;

export const Attachment = z.object({
  /** Content hash; the file is served at `/api/files/:id`. */
  id: z.string().regex(/^[a-f0-9]{64}$/),
  mime: z.enum(['image/png', 'image/jpeg', 'image/gif', 'image/webp']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().positive(),
});
export type Attachment = z.infer<typeof Attachment>;

export const MessageKind = z.enum(['text', 'system']);

export const Message = z.object({
  id: Id,
  channelId: Id,
  /** Position in the channel: 1, 2, 3, ... with no gaps. */
  seq: z.number().int().positive(),
  /** Change number: raised on create, edit and delete; `sync` returns changes after a `rev`. */
  rev: z.number().int().positive(),
  /** Null once the author's account was deleted ("deleted user"). */
  authorId: Id.nullable(),
  authorName: z.string(),
  clientMsgId: z.string(),
  kind: MessageKind,
  text: z.string(),
  attachments: z.array(Attachment),
  createdAt: Timestamp,
  editedAt: Timestamp.nullable(),
  deleted: z.boolean(),
});
export type Message = z.infer<typeof Message>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

export const Stream = z.object({
  id: Id,
  channelId: Id,
  streamerId: Id,
  streamerName: z.string(),
  startedAt: Timestamp,
  viewers: z.number().int().nonnegative(),
  /**
   * Viewers served by the server's relay (the rest get the stream straight from the streamer).
   * While it is above 0 the streamer publishes one copy to the relay (`stream.relay`).
   */
  relayed: z.number().int().nonnegative().optional(),
});
export type Stream = z.infer<typeof Stream>;
