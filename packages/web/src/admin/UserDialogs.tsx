import { useState, type FormEvent } from 'react';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { adminApi } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';

export function CreateUserDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (username: string, password: string | undefined) => void;
}) {
  const { onError } = useAdmin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<'user' | 'admin'>('user');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await adminApi.createUser({
        username: username.trim(),
        role,
        ...(password ? { password } : {}),
      });
      onCreated(r.user.username, r.password);
    } catch (err) {
      setError(onError(err));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Create a user"
      description="The password you set (or the one generated) must be changed at the first sign-in."
      onClose={onClose}
    >
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Username</span>
          <input
            className="input"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="off"
            autoFocus
          />
        </label>
        <label className="field">
          <span className="field-label">
            Temporary password <span className="field-optional">(leave empty to generate one)</span>
          </span>
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <fieldset className="field choice-group">
          <legend className="field-label">Role</legend>
          <label className={role === 'user' ? 'choice choice-checked' : 'choice'}>
            <input type="radio" name="role" checked={role === 'user'} onChange={() => setRole('user')} />
            <Icon name="users" />
            <span>
              <span className="choice-title">Member</span>
              <span className="choice-hint">Chats, creates channels, invites people.</span>
            </span>
          </label>
          <label className={role === 'admin' ? 'choice choice-checked' : 'choice'}>
            <input type="radio" name="role" checked={role === 'admin'} onChange={() => setRole('admin')} />
            <Icon name="lock" />
            <span>
              <span className="choice-title">Admin</span>
              <span className="choice-hint">Also manages users, channels and the server here.</span>
            </span>
          </label>
        </fieldset>
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
          <button type="submit" className="btn btn-primary" disabled={busy || username.trim() === ''}>
            Create user
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** A generated password, shown once, to pass on to its owner. */
export function PasswordResultDialog({
  title,
  username,
  password,
  onClose,
}: {
  title: string;
  username: string;
  password: string;
  onClose: () => void;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <Dialog
      title={title}
      size="sm"
      description={`Give this temporary password to ${username}. It is shown only now, and must be changed at the next sign-in.`}
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <div className="input-row">
        <label className="field admin-grow">
          <span className="field-label">Temporary password</span>
          <input className="input input-mono" readOnly value={password} onFocus={(e) => e.target.select()} />
        </label>
        <button
          type="button"
          className="btn btn-secondary admin-copy"
          onClick={() =>
            void navigator.clipboard?.writeText(password).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          <Icon name="copy" size={16} />
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </Dialog>
  );
}
