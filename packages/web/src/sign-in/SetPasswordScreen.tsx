import { useState, type FormEvent } from 'react';
import { Limits, type User } from '@segmentchat/protocol';
import { sessionStore } from '../session/session-store.ts';
import { errorText } from '../chat/error-text.ts';
import { Icon } from '../components/Icon.tsx';

/** Shown while an account (the first-start admin, or after an admin reset) must pick a new password. */
export function SetPasswordScreen({ user }: { user: User }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (next.length < Limits.PASSWORD_MIN) return setError(`Use at least ${Limits.PASSWORD_MIN} characters.`);
    if (next !== confirm) return setError('The two new passwords don’t match.');
    if (next === current) return setError('Choose a password different from the current one.');
    setBusy(true);
    setError(null);
    try {
      await sessionStore.changePassword(current, next);
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
          <span className="brand-name">SegmentChat</span>
        </div>
        <h1 className="signin-title">Set a new password</h1>
        <p className="signin-subtitle">
          <strong>{user.username}</strong>, your password must be changed before you continue.
        </p>
        <form className="signin-form" onSubmit={(e) => void onSubmit(e)} noValidate>
          <label className="field">
            <span className="field-label">Current password</span>
            <input
              className="input"
              type="password"
              autoComplete="current-password"
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
              autoFocus
            />
          </label>
          <label className="field">
            <span className="field-label">New password</span>
            <input
              className="input"
              type="password"
              autoComplete="new-password"
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          </label>
          <label className="field">
            <span className="field-label">Confirm new password</span>
            <input
              className="input"
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </label>
          {error ? (
            <p className="form-error" role="alert">
              <Icon name="alert" size={16} />
              {error}
            </p>
          ) : null}
          <button className="btn btn-primary btn-block" type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save new password'}
          </button>
        </form>
        <button className="btn btn-ghost btn-block" type="button" onClick={() => void sessionStore.signOut()}>
          Sign out
        </button>
      </div>
    </main>
  );
}
