import type { AuditEntry, Role, Visibility } from '@segmentchat/protocol';
import type { UserRow } from './store.ts';

export interface AdminUserRow extends UserRow {
  messageCount: number;
}

export interface AdminChannelRow {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  ownerId: string | null;
  ownerName: string | null;
  createdAt: number;
  memberCount: number;
  messageCount: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

export interface Paged<T> {
  rows: T[];
  total: number;
}

/** The name messages of a deleted account are shown under. */
export const DELETED_USER_NAME = 'deleted user';

/**
 * What the admin panel reads and changes beyond the chat `Store`: lists with counts, account
 * and channel changes an owner cannot make, server facts (`meta`) and the audit log.
 */
export interface AdminStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;

  /** Accounts and visitors whose username contains `q`, alphabetically. */
  listUsers(q: string, offset: number, limit: number): Promise<Paged<AdminUserRow>>;
  messageCount(userId: string): Promise<number>;
  setDisabled(userId: string, disabled: boolean): Promise<void>;
  setRole(userId: string, role: Role): Promise<void>;
  /** Admins that can still sign in. */
  countActiveAdmins(): Promise<number>;
  /**
   * Deletes the account (sessions, memberships). Its messages stay, authored by
   * `DELETED_USER_NAME` with no author id, each at a new `rev` so that `sync` delivers the change.
   * Answers the channels it was a member of and the messages it had written.
   */
  deleteUser(userId: string): Promise<{ channels: string[]; messageIds: string[] }>;

  /** Channels (not DMs), private ones too, whose name contains `q`, alphabetically. */
  listChannels(q: string, offset: number, limit: number): Promise<Paged<AdminChannelRow>>;
  findChannel(id: string): Promise<AdminChannelRow | undefined>;
  /** Throws the SQLite constraint error when a public name is taken. */
  updateChannel(
    id: string,
    change: {
      name?: string | undefined;
      description?: string | undefined;
      visibility?: Visibility | undefined;
    },
  ): Promise<void>;
  /** Deletes the channel with its messages; answers who were its members. */
  deleteChannel(id: string): Promise<string[]>;

  appendAudit(entry: NewAuditEntry): Promise<void>;
  /** Newest first. */
  listAudit(offset: number, limit: number): Promise<Paged<AuditEntry>>;

  /** Bytes of the database on disk (with its WAL), 0 when not on disk. */
  databaseBytes(): Promise<number>;
}
