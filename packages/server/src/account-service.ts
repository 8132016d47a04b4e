import { hashPassword, verifyPassword } from './password-hasher.ts';
import { createHash, randomBytes } from 'node:crypto';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { SessionResult, User } from '@segmentchat/protocol';
import type { ServerConfig } from './config.ts';
import { newId, newSecret } from './new-id.ts';
import { checkPassword } from './password-rules.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { Store, UserRow } from './store.ts';
import { checkUsername, usernameKey, usernameSkeleton } from './username-rules.ts';

/** Who made a request: the user and the session it came with. */
export interface Principal {
  user: UserRow;
  tokenHash: string;
}

export function publicUser(u: UserRow): User {
  return { id: u.id, username: u.username, role: u.role, mustChangePassword: u.mustChangePassword };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Accounts, visitors and sessions. Knows nothing of HTTP: routes pass the caller's IP for rate
 * limits and get typed results or a ChatError.
 */
export class AccountService {
  private readonly loginByIp: RateLimiter;
  private readonly loginByName: RateLimiter;
  private readonly registerByIp: RateLimiter;
  /** Verified against when the account does not exist, so timing does not tell names apart. */
  private dummyHash: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    private readonly config: ServerConfig,
    /** Called once for each new user, e.g. to join `general`. */
    private readonly onNewUser: (userId: string) => Promise<void>,
  ) {
    this.loginByIp = new RateLimiter(config.limits.login);
    this.loginByName = new RateLimiter(config.limits.login);
    this.registerByIp = new RateLimiter(config.limits.register);
  }

  async register(
    username: string,
    password: string,
    ip: string,
    visitor?: Principal,
  ): Promise<SessionResult> {
    this.limit(this.registerByIp, ip);
    const name = checkUsername(username);
    checkPassword(password, name.username);
    const passwordHash = await hashPassword(password);
    if (visitor?.user.role === 'visitor') {
      const upgraded = await this.store.upgradeVisitor(visitor.user.id, {
        ...name,
        usernameKey: name.key,
        passwordHash,
      });
      if (!upgraded) throw ChatError.conflict('That username is taken');
      // The visitor's session ends; the account gets a long-lived one.
      await this.store.revokeSession(visitor.tokenHash);
      return this.startSession((await this.store.findUserById(visitor.user.id))!);
    }
    const row: UserRow = {
      ...this.newRow(name.username, 'user'),
      usernameKey: name.key,
      skeleton: name.skeleton,
      passwordHash,
    };
    if (!(await this.store.createUser(row))) throw ChatError.conflict('That username is taken');
    await this.onNewUser(row.id);
    return this.startSession(row);
  }

  async login(username: string, password: string, ip: string): Promise<SessionResult> {
    const key = usernameKey(username);
    this.limit(this.loginByIp, ip);
    this.limit(this.loginByName, key);
    const user = await this.store.findUserByKey(key);
    const hash = user?.passwordHash ?? (await this.dummy());
    const ok = await verifyPassword(hash, password);
    if (!user || !user.passwordHash || !ok || user.disabled) {
      throw new ChatError(ErrorCode.BAD_CREDENTIALS, 'Wrong username or password');
    }
    return this.startSession(user);
  }

  async visitor(ip: string): Promise<SessionResult> {
    this.limit(this.registerByIp, ip);
    for (;;) {
      const username = `visitor-${randomBytes(3).toString('hex')}`;
      const row: UserRow = {
        ...this.newRow(username, 'visitor'),
        expiresAt: Date.now() + this.config.visitorTtlMs,
      };
      if (await this.store.createUser(row)) {
        await this.onNewUser(row.id);
        return this.startSession(row);
      }
    }
  }

  async logout(principal: Principal): Promise<void> {
    await this.store.revokeSession(principal.tokenHash);
  }

  async changePassword(principal: Principal, current: string, next: string): Promise<void> {
    const { user } = principal;
    if (!user.passwordHash || !(await verifyPassword(user.passwordHash, current))) {
      throw new ChatError(ErrorCode.BAD_CREDENTIALS, 'The current password is wrong');
    }
    if (current === next) throw new ChatError(ErrorCode.WEAK_PASSWORD, 'Choose a new password');
    checkPassword(next, user.username);
    await this.store.setPassword(user.id, await hashPassword(next), false);
    // Anyone else holding this account's sessions is signed out; this session stays.
    await this.store.revokeUserSessions(user.id, principal.tokenHash);
  }

  /** The principal of a token, or UNAUTHENTICATED. */
  async authenticate(token: string | undefined): Promise<Principal> {
    if (!token) throw ChatError.unauthenticated();
    const tokenHash = hashToken(token);
    const session = await this.store.findSession(tokenHash);
    if (!session || session.expiresAt <= Date.now())
      throw ChatError.unauthenticated('Session expired; sign in again');
    const user = await this.store.findUserById(session.userId);
    if (!user || user.disabled) throw ChatError.unauthenticated('Account unavailable');
    return { user, tokenHash };
  }

  private async startSession(user: UserRow): Promise<SessionResult> {
    const token = newSecret();
    const now = Date.now();
    const expiresAt = user.role === 'visitor' ? (user.expiresAt ?? now) : now + this.config.sessionTtlMs;
    await this.store.createSession({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt,
    });
    return { user: publicUser(user), token, expiresAt };
  }

  private newRow(username: string, role: UserRow['role']): UserRow {
    const key = username.toLowerCase();
    return {
      id: newId(),
      username,
      usernameKey: key,
      skeleton: usernameSkeleton(key),
      passwordHash: null,
      role,
      mustChangePassword: false,
      createdAt: Date.now(),
      expiresAt: null,
      disabled: false,
      lastSeen: null,
    };
  }

  private limit(limiter: RateLimiter, key: string): void {
    const wait = limiter.take(key);
    if (wait > 0) throw ChatError.rateLimited(wait);
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hashPassword(newSecret());
    return this.dummyHash;
  }
}
