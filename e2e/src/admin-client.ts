import { AdminRoute, HttpRoute, adminPath } from '@segmentchat/protocol';
import type { AdminUser, ErrorBody, SessionResult } from '@segmentchat/protocol';

const ADMIN_PASSWORD = 'a long e2e root passphrase';

/**
 * The admin HTTP API from Node, for tests that need an administrator's hand (deleting a
 * channel, removing a member) while the browsers under test are offline.
 */
export class AdminClient {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** Signs in as the first-start `admin` and sets its password (required before anything else). */
  static async firstLogin(baseUrl: string): Promise<AdminClient> {
    const session = await json<SessionResult>(baseUrl, 'POST', HttpRoute.LOGIN, undefined, {
      username: 'admin',
      password: 'admin',
    });
    await json(baseUrl, 'POST', HttpRoute.PASSWORD, session.token, {
      currentPassword: 'admin',
      newPassword: ADMIN_PASSWORD,
    });
    return new AdminClient(baseUrl, session.token);
  }

  async deleteChannel(channelId: string): Promise<void> {
    await json(this.baseUrl, 'DELETE', adminPath(AdminRoute.CHANNEL, { channelId }), this.token);
  }

  async addMember(channelId: string, username: string): Promise<void> {
    await json(this.baseUrl, 'POST', adminPath(AdminRoute.CHANNEL_MEMBERS, { channelId }), this.token, {
      username,
    });
  }

  async removeMember(channelId: string, username: string): Promise<void> {
    const page = await json<{ items: AdminUser[] }>(
      this.baseUrl,
      'GET',
      `${AdminRoute.USERS}?q=${encodeURIComponent(username)}`,
      this.token,
    );
    const user = page.items.find((u) => u.username === username);
    if (!user) throw new Error(`no user ${username}`);
    await json(
      this.baseUrl,
      'DELETE',
      adminPath(AdminRoute.CHANNEL_MEMBER, { channelId, userId: user.id }),
      this.token,
    );
  }
}

async function json<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(baseUrl + path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  const data = (text ? JSON.parse(text) : {}) as T & { error?: ErrorBody };
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(data.error ?? data)}`);
  return data;
}
