import { z } from 'zod';
import { ChannelName, Id, Member, PresenceStatus, Role, Timestamp, Visibility } from './entities.ts';
import { Limits } from './limits.ts';

/**
 * The admin API: HTTP only (JSON bodies, the session cookie or a bearer token of an admin).
 * Every route answers 401 UNAUTHENTICATED without a session, 403 FORBIDDEN for a non-admin and
 * 403 PASSWORD_CHANGE_REQUIRED while the admin must still set a new password. Path parameters
 * are written `:name`. The server's route table (`admin-routes.ts`) is keyed by these names, so
 * a route added here without a handler is a compile error.
 */
export const AdminRoute = {
  /** GET `?q=&page=&pageSize=` → `Page<AdminUser>`; POST `CreateUser` → `CreateUserResult`. */
  USERS: '/api/admin/users',
  /** DELETE → `{}`: the account goes, its messages stay under "deleted user". */
  USER: '/api/admin/users/:userId',
  /** POST → `{ user }`: sessions revoked, open sockets closed (4001) at once. */
  USER_DISABLE: '/api/admin/users/:userId/disable',
  /** POST → `{ user }`. */
  USER_ENABLE: '/api/admin/users/:userId/enable',
  /** POST `SetRole` → `{ user }`. */
  USER_ROLE: '/api/admin/users/:userId/role',
  /** POST `ResetPassword` → `ResetPasswordResult`; the user must change it at next login. */
  USER_PASSWORD: '/api/admin/users/:userId/password',
  /** GET `?q=&page=&pageSize=` → `Page<AdminChannel>` (private ones too); POST `AdminCreateChannel`. */
  CHANNELS: '/api/admin/channels',
  /** PATCH `UpdateChannel` → `{ channel }`; DELETE → `{}` (members get `channel.removed`). */
  CHANNEL: '/api/admin/channels/:channelId',
  /** GET → `{ members }`; POST `AddMember` → `{ members }`. */
  CHANNEL_MEMBERS: '/api/admin/channels/:channelId/members',
  /** DELETE → `{ members }`. */
  CHANNEL_MEMBER: '/api/admin/channels/:channelId/members/:userId',
  /** GET → `ServerStats`. */
  SERVER: '/api/admin/server',
  /** POST `ServerAction` → `{ action }`; closes every socket with 4012 and comes back. */
  SERVER_RESTART: '/api/admin/server/restart',
  /** POST `ServerAction` → `{ action }`; drains and exits. */
  SERVER_STOP: '/api/admin/server/stop',
  /** GET `?page=&pageSize=` → `Page<AuditEntry>`, newest first. */
  AUDIT: '/api/admin/audit',
} as const;
export type AdminRouteName = keyof typeof AdminRoute;

/** Fills `:name` parameters of an admin route. */
export function adminPath(route: string, params: Record<string, string> = {}): string {
  return route.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export const PageQuery = z.object({
  q: z.string().max(64).default(''),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export type PageQuery = z.input<typeof PageQuery>;

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    page: z.number().int().positive(),
    pageSize: z.number().int().positive(),
  });
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export const AdminUser = z.object({
  id: Id,
  username: z.string(),
  role: Role,
  status: PresenceStatus,
  lastSeen: Timestamp.nullable(),
  createdAt: Timestamp,
  messageCount: z.number().int().nonnegative(),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
});
export type AdminUser = z.infer<typeof AdminUser>;

const NewPassword = z.string().min(1).max(Limits.PASSWORD_MAX);

export const CreateUser = z.object({
  username: z.string().min(1).max(64),
  /** Omitted: the server generates one and returns it once. */
  password: NewPassword.optional(),
  role: z.enum(['user', 'admin']).default('user'),
});
export type CreateUser = z.input<typeof CreateUser>;
export const CreateUserResult = z.object({ user: AdminUser, password: z.string().optional() });
export type CreateUserResult = z.infer<typeof CreateUserResult>;

export const SetRole = z.object({ role: z.enum(['user', 'admin']) });
export type SetRole = z.infer<typeof SetRole>;

export const ResetPassword = z.object({ password: NewPassword.optional() });
export type ResetPassword = z.input<typeof ResetPassword>;
/** `password` is present when the server generated it. */
export const ResetPasswordResult = z.object({ user: AdminUser, password: z.string().optional() });
export type ResetPasswordResult = z.infer<typeof ResetPasswordResult>;

export const AdminChannel = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  visibility: Visibility,
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  createdAt: Timestamp,
  memberCount: z.number().int().nonnegative(),
  messageCount: z.number().int().nonnegative(),
});
export type AdminChannel = z.infer<typeof AdminChannel>;

export const AdminCreateChannel = z.object({
  name: ChannelName,
  description: z.string().max(Limits.CHANNEL_DESCRIPTION_MAX).default(''),
  visibility: Visibility.default('public'),
});
export type AdminCreateChannel = z.input<typeof AdminCreateChannel>;

export const UpdateChannel = z
  .object({
    name: ChannelName.optional(),
    description: z.string().max(Limits.CHANNEL_DESCRIPTION_MAX).optional(),
    visibility: Visibility.optional(),
  })
  .refine((u) => Object.values(u).some((v) => v !== undefined), 'Nothing to change');
export type UpdateChannel = z.input<typeof UpdateChannel>;

export const AddMember = z.object({ username: z.string().min(1).max(64) });
export type AddMember = z.infer<typeof AddMember>;
export const ChannelMembers = z.object({ members: z.array(Member) });
export type ChannelMembers = z.infer<typeof ChannelMembers>;

export const ServerStats = z.object({
  connections: z.number().int().nonnegative(),
  usersOnline: z.number().int().nonnegative(),
  /** Messages stored in the last 60 seconds. */
  messagesPerMinute: z.number().int().nonnegative(),
  uptimeMs: z.number().int().nonnegative(),
  startedAt: Timestamp,
  /** The database file with its write-ahead log. */
  databaseBytes: z.number().int().nonnegative(),
  memory: z.object({ rssBytes: z.number().int(), heapUsedBytes: z.number().int() }),
  /** Whether a supervisor (`npm start`) will bring the server back after a restart. */
  supervised: z.boolean(),
});
export type ServerStats = z.infer<typeof ServerStats>;

/** Restart and stop need both an explicit confirmation and the admin's password, fresh. */
export const ServerAction = z.object({
  confirm: z.literal(true),
  password: z.string().min(1).max(Limits.PASSWORD_MAX),
});
export type ServerAction = z.infer<typeof ServerAction>;
export const ServerActionResult = z.object({ action: z.enum(['restart', 'stop']) });
export type ServerActionResult = z.infer<typeof ServerActionResult>;

export const AuditAction = z.enum([
  'user.create',
  'user.disable',
  'user.enable',
  'user.delete',
  'user.role',
  'user.password',
  'channel.create',
  'channel.update',
  'channel.delete',
  'channel.member.add',
  'channel.member.remove',
  'server.restart',
  'server.stop',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  at: Timestamp,
  /** Null for the command line on the server machine. */
  actorId: Id.nullable(),
  actorName: z.string(),
  action: AuditAction,
  /** What it acted on, by name (`@bob`, `#design`, `server`). */
  target: z.string(),
  detail: z.string(),
  /** Where the request came from (`cli` for the command line). */
  ip: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
