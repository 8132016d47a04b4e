import { useState, type FormEvent } from 'react';
import { Limits } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { sessionStore } from '../session/session-store.ts';
import { errorText } from '../chat/error-text.ts';

/**
 * A visitor picks a username and password; the server turns the visitor into that account, so
 * what they wrote stays theirs.
 */
export function UpgradeVisitorDialog({ onClose }: { onClose: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const name = username.trim();
    if (name.length < Limits.USERNAME_MIN)
      return setError(`Usernames need at least ${Limits.USERNAME_MIN} characters.`);
    if (password.length < Limits.PASSWORD_MIN)
      return setError(`Passwords need at least ${Limits.PASSWORD_MIN} characters.`);
    setBusy(true);
    setError(null);
    try {
      await sessionStore.register(name, password);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Create your account"
      description="Keep your messages and get your own name, private channels and invites."
      onClose={onClose}
      size="sm"
    >
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Username</span>
          <input
            className="input"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            maxLength={Limits.USERNAME_MAX}
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
            autoComplete="new-password"
            maxLength={Limits.PASSWORD_MAX}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <span className="field-hint">At least {Limits.PASSWORD_MIN} characters.</span>
        </label>
        {error ? (
          <p className="form-error" role="alert">
            <Icon name="alert" size={16} />
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating account…' : 'Create account'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
