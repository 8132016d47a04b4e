import { ChatClient, api } from '@segmentchat/client';
import { ChatError, ErrorCode, type User } from '@segmentchat/protocol';
import { forgetUser, offlineClientOptions, rememberUser, rememberedUser } from './offline-stores.ts';

/**
 * Who is signed in, and the one ChatClient of that session. Components never create clients or
 * call the network themselves: they call these methods and read the state through useSession().
 */
export type SessionState =
  | { status: 'loading' }
  | { status: 'signedOut'; notice?: string }
  | { status: 'mustChangePassword'; user: User }
  | { status: 'signedIn'; user: User; client: ChatClient };

type Listener = () => void;

export class SessionStore {
  private state: SessionState = { status: 'loading' };
  private readonly listeners = new Set<Listener>();
  private stopClientListeners: (() => void) | null = null;
  /**
   * Set while a visitor registers: the server ends the visitor's session (its socket gets
   * `session.ended` and 4001), which may reach the page before the register response does. That
   * is the account taking over, not a sign-out, and must not revoke the new session.
   */
  private switchingAccount = false;

  constructor(private readonly baseUrl: string) {}

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionState => this.state;

  /** Restores the session from the httpOnly cookie, if there is one. */
  async start(): Promise<void> {
    try {
      const { user } = await api.me(this.baseUrl);
      this.enter(user);
    } catch (err) {
      const code = err instanceof ChatError ? err.code : null;
      if (code === ErrorCode.PASSWORD_CHANGE_REQUIRED) {
        this.set({ status: 'signedOut' });
      } else if (code === ErrorCode.UNAVAILABLE && rememberedUser()) {
        // No network (or the server is down): open the last account from its offline cache.
        this.enter(rememberedUser()!);
      } else if (code === ErrorCode.UNAVAILABLE) {
        this.set({
          status: 'signedOut',
          notice: 'Can’t reach the server. Check your connection and try again.',
        });
      } else {
        if (code === ErrorCode.UNAUTHENTICATED) void forgetUser();
        this.set({ status: 'signedOut' });
      }
    }
  }

  async login(username: string, password: string): Promise<void> {
    const { user } = await api.login(this.baseUrl, { username, password });
    this.enter(user);
  }

  async register(username: string, password: string): Promise<void> {
    this.switchingAccount = true;
    try {
      const { user } = await api.register(this.baseUrl, { username, password });
      this.enter(user);
    } finally {
      this.switchingAccount = false;
    }
  }

  async continueAsVisitor(): Promise<void> {
    const { user } = await api.visitor(this.baseUrl);
    this.enter(user);
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await api.changePassword(this.baseUrl, { currentPassword, newPassword });
    const { user } = await api.me(this.baseUrl);
    this.enter(user);
  }

  async signOut(notice?: string): Promise<void> {
    this.dropClient();
    void forgetUser();
    this.set(notice === undefined ? { status: 'signedOut' } : { status: 'signedOut', notice });
    try {
      await api.logout(this.baseUrl);
    } catch {
      // Signing out locally is what matters; the server forgets the session when it expires.
    }
  }

  private enter(user: User): void {
    this.dropClient();
    if (user.mustChangePassword) {
      this.set({ status: 'mustChangePassword', user });
      return;
    }
    // Browsers authenticate the WebSocket with the session cookie, so no token is passed.
    const client = new ChatClient({ url: this.baseUrl, ...offlineClientOptions(user) });
    rememberUser(user);
    const stopEnded = client.on('sessionEnded', () => {
      if (this.switchingAccount) return;
      void this.signOut('You were signed out. Sign in again to continue.');
    });
    // Opened offline from the cache, the cookie is first checked at hello: refused means signed out.
    const stopError = client.on('error', (e) => {
      if (e.code === ErrorCode.UNAUTHENTICATED && !this.switchingAccount)
        void this.signOut('Your session has ended. Sign in again to continue.');
    });
    this.stopClientListeners = () => {
      stopEnded();
      stopError();
    };
    this.set({ status: 'signedIn', user, client });
    client.connect().catch(() => {
      // The client reports its connection state itself and keeps retrying; the banner shows it.
    });
  }

  private dropClient(): void {
    if (this.state.status === 'signedIn') {
      this.stopClientListeners?.();
      this.stopClientListeners = null;
      this.state.client.close();
    }
  }

  private set(state: SessionState): void {
    this.state = state;
    for (const l of this.listeners) l();
  }
}

export const sessionStore = new SessionStore(globalThis.location?.origin ?? 'http://localhost:5000');
