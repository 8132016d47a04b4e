import { useId, useState, type FormEvent } from 'react';
import { Limits, type User } from '@segmentchat/protocol';
import { errorText } from '../chat/error-text.ts';
import { Icon } from '../components/Icon.tsx';
import { adminApi } from './admin-api.ts';

/**
 * First login with the default password (or after a reset): nothing else works until a new
 * password is set — the server refuses everything else, this screen only says so kindly.
 */
export function AdminSetPassword({
  user,
  onDone,
  onSignOut,
}: {
  user: User;
  onDone: () => void;
  onSignOut: () => void;
}) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = useId();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (next.length < Limits.PASSWORD_MIN) return setError(`Use at least ${Limits.PASSWORD_MIN} characters.`);
    if (next.toLowerCase() === 'admin') return setError('“admin” cannot be the new password.');
    if (next !== confirm) return setError('The two new passwords don’t match.');
    if (next === current) return setError('Choose a password different from the current one.');
    setBusy(true);
    setError(null);
    try {
      await adminApi.changePassword(current, next);
      onDone();
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
        <h1 className="signin-title">Set a new password</h1>
        <p className="signin-subtitle">
          <strong>{user.username}</strong> still has a temporary password. Choose your own before anything
          else.
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
          <div className="field">
            <label className="field-label" htmlFor={`${ids}-new`}>
              New password
            </label>
            <input
              id={`${ids}-new`}
              className="input"
              type="password"
              autoComplete="new-password"
              aria-describedby={`${ids}-hint`}
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
            <span id={`${ids}-hint`} className="field-hint">
              At least {Limits.PASSWORD_MIN} characters; not a common password, not “admin”.
            </span>
          </div>
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
        <button className="btn btn-ghost btn-block" type="button" onClick={onSignOut}>
          Sign out
        </button>
      </div>
    </main>
  );
}
