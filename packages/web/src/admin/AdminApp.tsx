import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { ChatError, ErrorCode, type User } from '@segmentchat/protocol';
import { errorText } from '../chat/error-text.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { navigate, usePath } from '../navigation/router.ts';
import { adminApi } from './admin-api.ts';
import { AdminContext, type AdminContextValue } from './admin-context.ts';
import { AdminSetPassword } from './AdminSetPassword.tsx';
import { AdminSignIn } from './AdminSignIn.tsx';
import { AuditPage } from './AuditPage.tsx';
import { ChannelsPage } from './ChannelsPage.tsx';
import { ServerPage } from './ServerPage.tsx';
import { UsersPage } from './UsersPage.tsx';
import './admin.css';

type State =
  | { status: 'loading' }
  | { status: 'signedOut'; notice?: string }
  | { status: 'mustChangePassword'; user: User }
  | { status: 'notAdmin'; user: User }
  | { status: 'ready'; user: User };

const SECTIONS = [
  { path: '/admin/users', label: 'Users', icon: 'users' },
  { path: '/admin/channels', label: 'Channels', icon: 'hash' },
  { path: '/admin/server', label: 'Server', icon: 'compass' },
  { path: '/admin/audit', label: 'Audit log', icon: 'clock' },
] as const;

function stateFor(user: User): State {
  if (user.mustChangePassword) return { status: 'mustChangePassword', user };
  if (user.role !== 'admin') return { status: 'notAdmin', user };
  return { status: 'ready', user };
}

/** The admin panel at /admin: its own sign-in, first-login password, and four sections. */
export default function AdminApp() {
  const [state, setState] = useState<State>({ status: 'loading' });

  const load = useCallback(async () => {
    try {
      const { user } = await adminApi.me();
      setState(stateFor(user));
    } catch (err) {
      const unreachable = err instanceof ChatError && err.code === ErrorCode.UNAVAILABLE;
      setState(unreachable ? { status: 'signedOut', notice: errorText(err) } : { status: 'signedOut' });
    }
  }, []);

  useEffect(() => {
    document.title = 'Admin · SegmentChat';
    void load();
  }, [load]);

  const signOut = useCallback(async () => {
    await adminApi.logout().catch(() => {});
    setState({ status: 'signedOut' });
  }, []);

  switch (state.status) {
    case 'loading':
      return (
        <div className="splash" role="status" aria-label="Loading">
          <span className="spinner" aria-hidden="true" />
        </div>
      );
    case 'signedOut':
      return <AdminSignIn notice={state.notice} onSignedIn={(u) => setState(stateFor(u))} />;
    case 'mustChangePassword':
      return (
        <AdminSetPassword user={state.user} onDone={() => void load()} onSignOut={() => void signOut()} />
      );
    case 'notAdmin':
      return (
        <main className="signin">
          <div className="signin-card">
            <h1 className="signin-title">Administrators only</h1>
            <p className="signin-subtitle">
              You are signed in as <strong>{state.user.username}</strong>, which is not an administrator
              account.
            </p>
            <a className="btn btn-primary btn-block" href="/">
              Back to chat
            </a>
            <button className="btn btn-ghost btn-block" type="button" onClick={() => void signOut()}>
              Sign in as someone else
            </button>
          </div>
        </main>
      );
    case 'ready':
      return (
        <AdminShell
          me={state.user}
          onSignOut={() => void signOut()}
          onSessionEnded={() =>
            setState({ status: 'signedOut', notice: 'Your session ended. Sign in again.' })
          }
          onLocked={() =>
            setState({ status: 'mustChangePassword', user: { ...state.user, mustChangePassword: true } })
          }
        />
      );
  }
}

function AdminShell({
  me,
  onSignOut,
  onSessionEnded,
  onLocked,
}: {
  me: User;
  onSignOut: () => void;
  onSessionEnded: () => void;
  onLocked: () => void;
}) {
  const path = usePath();
  const section = SECTIONS.find((s) => path === s.path || path.startsWith(`${s.path}/`)) ?? SECTIONS[0];

  useEffect(() => {
    if (path === '/admin' || path === '/admin/') navigate(SECTIONS[0].path, { replace: true });
  }, [path]);

  // Stable across renders, so lists that depend on it do not reload for nothing.
  const handlers = useRef({ onSessionEnded, onLocked });
  handlers.current = { onSessionEnded, onLocked };
  const context = useMemo<AdminContextValue>(
    () => ({
      me,
      onError: (err) => {
        if (err instanceof ChatError && err.code === ErrorCode.UNAUTHENTICATED)
          handlers.current.onSessionEnded();
        if (err instanceof ChatError && err.code === ErrorCode.PASSWORD_CHANGE_REQUIRED)
          handlers.current.onLocked();
        // Here a wrong password is the admin's own, typed to confirm: say exactly that.
        if (err instanceof ChatError && err.code === ErrorCode.BAD_CREDENTIALS) return err.message;
        return errorText(err);
      },
    }),
    [me],
  );

  function go(e: MouseEvent<HTMLAnchorElement>, to: string) {
    if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    navigate(to);
  }

  return (
    <AdminContext.Provider value={context}>
      <div className="admin">
        <header className="admin-side">
          <div className="admin-brand">
            <span className="brand-mark brand-mark-sm" aria-hidden="true">
              <Icon name="lock" size={16} />
            </span>
            <span className="admin-brand-name">
              SegmentChat <span className="admin-brand-sub">Admin</span>
            </span>
          </div>
          <nav className="admin-nav" aria-label="Admin sections">
            {SECTIONS.map((s) => (
              <a
                key={s.path}
                href={s.path}
                className="admin-nav-link"
                aria-current={s === section ? 'page' : undefined}
                onClick={(e) => go(e, s.path)}
              >
                <Icon name={s.icon} size={18} />
                <span>{s.label}</span>
              </a>
            ))}
          </nav>
          <div className="admin-me">
            <Avatar name={me.username} size={30} />
            <span className="admin-me-name" title={me.username}>
              {me.username}
            </span>
            <a className="icon-btn admin-me-btn" href="/" aria-label="Back to chat" title="Back to chat">
              <Icon name="chat" size={18} />
            </a>
            <button
              type="button"
              className="icon-btn admin-me-btn"
              aria-label="Sign out"
              title="Sign out"
              onClick={onSignOut}
            >
              <Icon name="logout" size={18} />
            </button>
          </div>
        </header>
        <main className="admin-main" aria-labelledby="admin-page-title">
          {section.path === '/admin/users' ? <UsersPage /> : null}
          {section.path === '/admin/channels' ? <ChannelsPage /> : null}
          {section.path === '/admin/server' ? <ServerPage /> : null}
          {section.path === '/admin/audit' ? <AuditPage /> : null}
        </main>
      </div>
    </AdminContext.Provider>
  );
}
