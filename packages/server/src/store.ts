import type { Attachment, Channel, Member, Message, Role, Visibility } from '@segmentchat/protocol';

export interface UserRow {
  id: string;
  username: string;
  /** NFKC, lower-cased: what login looks up. */
  usernameKey: string;
  /** The look-alike skeleton; unique, so `adm1n` cannot sit beside `admin`. */
  skeleton: string;
  passwordHash: string | null;
  role: Role;
  mustChangePassword: boolean;
  createdAt: number;
  /** Visitors expire; accounts do not (null). */
  expiresAt: number | null;
  disabled: boolean;
  lastSeen: number | null;
}

export interface SessionRow {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface NewChannel {
  id: string;
  kind: 'channel' | 'dm';
  name: string;
  description: string;
  visibility: Visibility;
  ownerId: string | null;
  createdAt: number;
  /** For a DM, its two members. */
  dmUsers: [string, string] | null;
}

export interface ChannelRow extends NewChannel {
  lastSeq: number;
  rev: number;
  memberCount: number;
  inviteCode: string | null;
}

export interface ChannelAccess {
  kind: ChannelRow['kind'];
  visibility: Visibility;
  member: boolean;
}

export interface ChannelAccess {
  kind: ChannelRow['kind'];
  visibility: Visibility;
  member: boolean;
}

export interface NewMessage {
  id: string;
  channelId: string;
  authorId: string;
  authorName: string;
  clientMsgId: string;
  kind: 'text' | 'system';
  text: string;
  attachments: Attachment[];
  createdAt: number;
}

/**
 * One result per appended message: stored now, a duplicate of an earlier one (same author and
 * clientMsgId), its clientMsgId already naming another author's message, or refused.
 */
export type AppendResult =
  | { status: 'created'; message: Message }
  | { status: 'duplicate'; message: Message }
  | { status: 'conflict' }
  | { status: 'refused'; reason: string };

/**
 * Everything the server keeps. SQLite implements it now; a Postgres store would pass the same
 * contract suite (`test/store-contract.ts`). Methods are async so that either fits.
 */
export interface Store {
  // --- users and sessions
  /** False when the username skeleton is taken. */
  createUser(user: UserRow): Promise<boolean>;
  findUserById(id: string): Promise<UserRow | undefined>;
  findUserByKey(usernameKey: string): Promise<UserRow | undefined>;
  /** Turns a visitor into an account, keeping its id (and so its messages). False when taken. */
  upgradeVisitor(
    id: string,
    to: Pick<UserRow, 'username' | 'usernameKey' | 'skeleton' | 'passwordHash'>,
  ): Promise<boolean>;
  setPassword(userId: string, passwordHash: string, mustChangePassword: boolean): Promise<void>;
  /** Records when users were last seen, all in one commit (a mass disconnect is one fsync). */
  setLastSeen(seen: ReadonlyArray<{ userId: string; at: number }>): Promise<void>;
  createSession(session: SessionRow): Promise<void>;
  findSession(tokenHash: string): Promise<SessionRow | undefined>;
  revokeSession(tokenHash: string): Promise<void>;
  /** Revokes every session of a user but `keepTokenHash`. */
  revokeUserSessions(userId: string, keepTokenHash?: string): Promise<void>;
  /** Drops expired sessions and expired visitors (their messages stay, authored by a name). */
  sweepExpired(now: number): Promise<{ sessions: number; visitors: number }>;

  // --- channels and members
  createChannel(channel: NewChannel): Promise<void>;
  findChannel(id: string): Promise<ChannelRow | undefined>;
  /**
   * What the access rule needs to know of a channel for `userId`; undefined if it does not exist.
   * Every send asks, so a store may answer from memory, but a change must show at once.
   */
  channelAccess(channelId: string, userId: string): Promise<ChannelAccess | undefined>;
  /** The public channel of that name, if any (private names are not unique and not looked up). */
  findPublicChannelByName(name: string): Promise<ChannelRow | undefined>;
  findChannelByInvite(code: string): Promise<ChannelRow | undefined>;
  findDm(userA: string, userB: string): Promise<ChannelRow | undefined>;
  setInviteCode(channelId: string, code: string): Promise<void>;
  /** The channel as `userId` sees it. */
  channelView(channelId: string, userId: string): Promise<Channel | undefined>;
  /** Public channels plus the user's own (visitors: public only). */
  listChannels(userId: string, includePrivate: boolean): Promise<Channel[]>;
  /** The channels the user is a member of (DMs included), as the user sees them. */
  listMemberChannels(userId: string): Promise<Channel[]>;
  /** False when already a member. */
  addMember(channelId: string, userId: string, at: number): Promise<boolean>;
  /** False when not a member. */
  removeMember(channelId: string, userId: string): Promise<boolean>;
  isMember(channelId: string, userId: string): Promise<boolean>;
  listMembers(channelId: string): Promise<Member[]>;
  memberChannelIds(userId: string): Promise<string[]>;
  /** The user's channels with their member counts (presence is pushed only in small ones). */
  memberChannelSizes(userId: string): Promise<Array<{ channelId: string; memberCount: number }>>;
  /** Those of `userIds` who share a channel or a DM with `userId` (whose presence it may see). */
  usersSharingChannel(
    userId: string,
    userIds: readonly string[],
  ): Promise<Array<{ id: string; username: string; lastSeen: number | null }>>;
  /** Whether the two users share a channel or a DM. */
  shareChannel(userA: string, userB: string): Promise<boolean>;
  markRead(channelId: string, userId: string, seq: number): Promise<void>;

  // --- messages
  /**
   * Appends messages in one transaction: one commit for the batch. Each gets the next `seq` and
   * `rev` of its channel; a `(authorId, clientMsgId)` already stored returns the stored message.
   */
  appendMessages(batch: NewMessage[]): Promise<AppendResult[]>;
  findMessage(id: string): Promise<Message | undefined>;
  findByClientMsgId(authorId: string, clientMsgId: string): Promise<Message | undefined>;
  /** Edits (`text`) or deletes (`deleted`) a message, raising its `rev`. */
  updateMessage(id: string, change: { text: string; deleted: boolean; editedAt: number }): Promise<Message>;
  /** Ascending by seq; the newest `limit` before `beforeSeq`, and whether older ones remain. */
  history(
    channelId: string,
    beforeSeq: number | undefined,
    limit: number,
  ): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** Ascending by rev, after `afterRev`. */
  changesSince(channelId: string, afterRev: number, limit: number): Promise<Message[]>;

  // --- housekeeping
  integrityCheck(): Promise<string>;
  close(): Promise<void>;
}
