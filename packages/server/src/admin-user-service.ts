import { hashPassword } from './password-hasher.ts';
import { randomBytes } from 'node:crypto';
import { ChatError } from '@segmentchat/protocol';
import type { AdminUser, CreateUserResult, Page, ResetPasswordResult } from '@segmentchat/protocol';
import type { AdminStore, AdminUserRow } from './admin-store.ts';
import type { Actor, AuditLog } from './audit-log.ts';
import type { Bus } from './bus.ts';
import { newId } from './new-id.ts';
import { checkPassword } from './password-rules.ts';
import type { PresenceService } from './presence-service.ts';
import type { Store, UserRow } from './store.ts';
import { checkUsername } from './username-rules.ts';

/**
 * A password for someone to type once and then replace: 15 characters from an alphabet without
 * look-alikes (no 0/O, 1/l/I), about 84 bits.
 */
export function generatePassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(15);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return `${out.slice(0, 5)}-${out.slice(5, 10)}-${out.slice(10)}`;
}

const target = (u: Pick<UserRow, 'username'>) => `@${u.username}`;

/** Messages re-announced live when their author is deleted; past this, clients learn by `sync`. */
const LIVE_UPDATES_MAX = 2000;

/**
 * What an administrator does to accounts. Every change is audited; one that ends a user's
 * access (disable, delete, reset, demotion) revokes its sessions and closes its sockets at once.
 */
export class AdminUserService {
  constructor(
    private readonly store: Store,
    private readonly admin: AdminStore,
    private readonly bus: Bus,
    private readonly presence: PresenceService,
    private readonly audit: AuditLog,
    /** Called for each new account, e.g. to join `general`. */
    private readonly onNewUser: (userId: string) => Promise<void>,
  ) {}

  async list(q: string, page: number, pageSize: number): Promise<Page<AdminUser>> {
    const { rows, total } = await this.admin.listUsers(q, (page - 1) * pageSize, pageSize);
    return { items: rows.map((r) => this.view(r)), total, page, pageSize };
  }

  async create(
    actor: Actor,
    body: { username: string; password?: string | undefined; role: 'user' | 'admin' },
  ): Promise<CreateUserResult> {
    const name = checkUsername(body.username);
    const generated = body.password === undefined ? generatePassword() : undefined;
    const password = body.password ?? generated!;
    checkPassword(password, name.username);
    const row: UserRow = {
      id: newId(),
      username: name.username,
      usernameKey: name.key,
      skeleton: name.skeleton,
      passwordHash: await hashPassword(password),
      role: body.role,
      // A password someone else chose is only good for the first login.
      mustChangePassword: true,
      createdAt: Date.now(),
      expiresAt: null,
      disabled: false,
      lastSeen: null,
    };
    if (!(await this.store.createUser(row))) throw ChatError.conflict('That username is taken');
    await this.onNewUser(row.id);
    await this.audit.record(actor, 'user.create', target(row), `role ${row.role}`);
    const user = await this.get(row.id);
    return generated === undefined ? { user } : { user, password: generated };
  }

  async disable(actor: Actor, userId: string): Promise<AdminUser> {
    const u = await this.find(userId);
    if (u.id === actor.user?.id) throw ChatError.forbidden('You cannot disable your own account');
    if (u.disabled) return this.get(u.id);
    await this.keepAnAdmin(u);
    await this.admin.setDisabled(u.id, true);
    await this.store.revokeUserSessions(u.id);
    await this.audit.record(actor, 'user.disable', target(u));
    this.bus.publish({
      kind: 'disconnect',
      userId: u.id,
      reason: 'Your account was disabled by an administrator',
    });
    return this.get(u.id);
  }

  async enable(actor: Actor, userId: string): Promise<AdminUser> {
    const u = await this.find(userId);
    if (!u.disabled) return this.get(u.id);
    await this.admin.setDisabled(u.id, false);
    await this.audit.record(actor, 'user.enable', target(u));
    return this.get(u.id);
  }

  /** The account goes; its messages stay, shown under "deleted user". */
  async delete(actor: Actor, userId: string): Promise<void> {
    const u = await this.find(userId);
    if (u.id === actor.user?.id) throw ChatError.forbidden('You cannot delete your own account');
    await this.keepAnAdmin(u);
    const messages = await this.admin.messageCount(u.id);
    await this.audit.record(actor, 'user.delete', target(u), `${messages} messages kept as deleted user`);
    this.bus.publish({
      kind: 'disconnect',
      userId: u.id,
      reason: 'Your account was deleted by an administrator',
    });
    const { channels, messageIds } = await this.admin.deleteUser(u.id);
    for (const channelId of channels) {
      this.bus.publish({
        kind: 'channel',
        channelId,
        event: { type: 'member.left', channelId, userId: u.id },
      });
    }
    // Open clients see the new author at once; beyond a few thousand, they get it from `sync`.
    for (const id of messageIds.slice(0, LIVE_UPDATES_MAX)) {
      const message = await this.store.findMessage(id);
      if (message)
        this.bus.publish({
          kind: 'channel',
          channelId: message.channelId,
          event: { type: 'message.updated', message },
        });
    }
  }

  async setRole(actor: Actor, userId: string, role: 'user' | 'admin'): Promise<AdminUser> {
    const u = await this.find(userId);
    if (u.role === role) return this.get(u.id);
    if (u.role === 'visitor')
      throw ChatError.invalid('Visitors have no account to promote; they must register');
    if (u.id === actor.user?.id) throw ChatError.forbidden('You cannot remove your own admin role');
    if (role === 'user') await this.keepAnAdmin(u);
    await this.admin.setRole(u.id, role);
    await this.audit.record(actor, 'user.role', target(u), `${u.role} → ${role}`);
    // Open sockets carry the role they signed in with; a former admin must not keep its powers.
    if (role === 'user') {
      this.bus.publish({
        kind: 'disconnect',
        userId: u.id,
        reason: 'Your role changed; sign in again to continue',
      });
    }
    return this.get(u.id);
  }

  /** Sets a new password (given, or generated and returned once) that must be changed at next login. */
  async resetPassword(
    actor: Actor,
    userId: string,
    password: string | undefined,
  ): Promise<ResetPasswordResult> {
    const u = await this.find(userId);
    if (u.role === 'visitor') throw ChatError.invalid('Visitors have no password');
    if (u.id === actor.user?.id) throw ChatError.forbidden('Change your own password from your account');
    const generated = password === undefined ? generatePassword() : undefined;
    const chosen = password ?? generated!;
    checkPassword(chosen, u.username);
    await this.store.setPassword(u.id, await hashPassword(chosen), true);
    await this.store.revokeUserSessions(u.id);
    await this.audit.record(actor, 'user.password', target(u), generated ? 'generated' : 'set by admin');
    this.bus.publish({
      kind: 'disconnect',
      userId: u.id,
      reason: 'Your password was reset by an administrator',
    });
    const user = await this.get(u.id);
    return generated === undefined ? { user } : { user, password: generated };
  }

  private async find(userId: string): Promise<UserRow> {
    const u = await this.store.findUserById(userId);
    if (!u) throw ChatError.notFound('No such user');
    return u;
  }

  private async get(userId: string): Promise<AdminUser> {
    const u = await this.find(userId);
    return this.view({ ...u, messageCount: await this.admin.messageCount(u.id) });
  }

  /** Refuses to take away the last administrator that can sign in. */
  private async keepAnAdmin(u: UserRow): Promise<void> {
    if (u.role === 'admin' && !u.disabled && (await this.admin.countActiveAdmins()) <= 1)
      throw ChatError.conflict('This is the last administrator; make someone else an admin first');
  }

  private view(r: AdminUserRow): AdminUser {
    return {
      id: r.id,
      username: r.username,
      role: r.role,
      status: this.presence.status(r.id),
      lastSeen: r.lastSeen,
      createdAt: r.createdAt,
      messageCount: r.messageCount,
      disabled: r.disabled,
      mustChangePassword: r.mustChangePassword,
    };
  }
}
