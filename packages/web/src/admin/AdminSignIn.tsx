import { useState, type FormEvent } from 'react';
import type { User } from '@segmentchat/protocol';
import { errorText } from '../chat/error-text.ts';
import { Icon } from '../components/Icon.tsx';
import { adminApi } from './admin-api.ts';

/** Sign-in for the admin panel (the same accounts as the chat). */
export function AdminSignIn({
  notice,
  onSignedIn,
}: {
  notice?: string | undefined;
  onSignedIn: (u: User) => void;
}) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { user } = await adminApi.login(username.trim(), password);
      onSignedIn(user);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="lock" size={20} />
          </span>
          <span className="brand-name">SegmentChat Admin</span>
        </div>
        <h1 className="signin-title">Sign in to the admin panel</h1>
        <p className="signin-subtitle">Use an administrator account.</p>
        {notice ? (
          <p className="form-error" role="alert">
            <Icon name="alert" size={16} />
            {notice}
          </p>
        ) : null}
        <form className="signin-form" onSubmit={(e) => void onSubmit(e)} noValidate>
          <label className="field">
            <span className="field-label">Username</span>
            <input
              className="input"
              autoComplete="username"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoFocus
            />
          </label>
          <label className="field">
            <span className="field-label">Password</span>
            <input
              className="input"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {error ? (
            <p className="form-error" role="alert">
              <Icon name="alert" size={16} />
              {error}
            </p>
          ) : null}
          <button
            className="btn btn-primary btn-block"
            type="submit"
            disabled={busy || !username || !password}
          >
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <a className="btn btn-ghost btn-block" href="/">
          Back to chat
        </a>
      </div>
    </main>
  );
}
