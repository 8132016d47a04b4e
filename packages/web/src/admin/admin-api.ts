import { AdminRoute, ChatError, ErrorCode, HttpRoute, adminPath } from '@segmentchat/protocol';
import type {
  AdminChannel,
  AdminCreateChannel,
  AdminUser,
  AuditEntry,
  ChannelMembers,
  CreateUser,
  CreateUserResult,
  ErrorBody,
  MeResult,
  Page,
  ResetPasswordResult,
  ServerActionResult,
  ServerStats,
  UpdateChannel,
} from '@segmentchat/protocol';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The admin panel's calls, with the session cookie. A `{ error }` answer becomes a ChatError
 * with its code; no answer at all becomes UNAVAILABLE (the server is restarting, or gone).
 */
async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ChatError(ErrorCode.UNAVAILABLE, `Cannot reach the server (${(e as Error).message})`);
  }
  const text = await res.text().catch(() => '');
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = {};
  }
  if (!res.ok) {
    const error = (data as { error?: ErrorBody }).error;
    if (error?.code) throw ChatError.fromBody(error);
    throw new ChatError(res.status >= 500 ? ErrorCode.UNAVAILABLE : ErrorCode.INVALID, `HTTP ${res.status}`);
  }
  return data as T;
}

function query(params: Record<string, string | number>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const PAGE_SIZE = 20;

export const adminApi = {
  me: () => request<MeResult>('GET', HttpRoute.ME),
  login: (username: string, password: string) =>
    request<MeResult>('POST', HttpRoute.LOGIN, { username, password }),
  logout: () => request<object>('POST', HttpRoute.LOGOUT, {}),
  changePassword: (currentPassword: string, newPassword: string) =>
    request<object>('POST', HttpRoute.PASSWORD, { currentPassword, newPassword }),

  users: (q: string, page: number) =>
    request<Page<AdminUser>>('GET', AdminRoute.USERS + query({ q, page, pageSize: PAGE_SIZE })),
  createUser: (body: CreateUser) => request<CreateUserResult>('POST', AdminRoute.USERS, body),
  disableUser: (userId: string) =>
    request<{ user: AdminUser }>('POST', adminPath(AdminRoute.USER_DISABLE, { userId })),
  enableUser: (userId: string) =>
    request<{ user: AdminUser }>('POST', adminPath(AdminRoute.USER_ENABLE, { userId })),
  setRole: (userId: string, role: 'user' | 'admin') =>
    request<{ user: AdminUser }>('POST', adminPath(AdminRoute.USER_ROLE, { userId }), { role }),
  resetPassword: (userId: string, password?: string) =>
    request<ResetPasswordResult>(
      'POST',
      adminPath(AdminRoute.USER_PASSWORD, { userId }),
      password ? { password } : {},
    ),
  deleteUser: (userId: string) => request<object>('DELETE', adminPath(AdminRoute.USER, { userId })),

  channels: (q: string, page: number) =>
    request<Page<AdminChannel>>('GET', AdminRoute.CHANNELS + query({ q, page, pageSize: PAGE_SIZE })),
  createChannel: (body: AdminCreateChannel) =>
    request<{ channel: AdminChannel }>('POST', AdminRoute.CHANNELS, body),
  updateChannel: (channelId: string, body: UpdateChannel) =>
    request<{ channel: AdminChannel }>('PATCH', adminPath(AdminRoute.CHANNEL, { channelId }), body),
  deleteChannel: (channelId: string) =>
    request<object>('DELETE', adminPath(AdminRoute.CHANNEL, { channelId })),
  members: (channelId: string) =>
    request<ChannelMembers>('GET', adminPath(AdminRoute.CHANNEL_MEMBERS, { channelId })),
  addMember: (channelId: string, username: string) =>
    request<ChannelMembers>('POST', adminPath(AdminRoute.CHANNEL_MEMBERS, { channelId }), { username }),
  removeMember: (channelId: string, userId: string) =>
    request<ChannelMembers>('DELETE', adminPath(AdminRoute.CHANNEL_MEMBER, { channelId, userId })),

  stats: () => request<ServerStats>('GET', AdminRoute.SERVER),
  restart: (password: string) =>
    request<ServerActionResult>('POST', AdminRoute.SERVER_RESTART, { confirm: true, password }),
  stop: (password: string) =>
    request<ServerActionResult>('POST', AdminRoute.SERVER_STOP, { confirm: true, password }),

  audit: (page: number) =>
    request<Page<AuditEntry>>('GET', AdminRoute.AUDIT + query({ page, pageSize: PAGE_SIZE })),
};
