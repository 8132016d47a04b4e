import { useId, useState, type FormEvent } from 'react';
import { Limits } from '@segmentchat/protocol';
import { sessionStore } from '../session/session-store.ts';
import { errorText } from '../chat/error-text.ts';
import { Icon } from '../components/Icon.tsx';

type Mode = 'login' | 'register';

export function SignInScreen({ notice }: { notice?: string | undefined }) {
  const [mode, setMode] = useState<Mode>('login');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<null | Mode | 'visitor'>(null);
  const id = useId();

  async function run(kind: Mode | 'visitor', action: () => Promise<void>) {
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(errorText(err));
      setBusy(null);
    }
  }

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const name = username.trim();
    if (mode === 'register') {
      if (name.length < Limits.USERNAME_MIN) {
        setError(`Usernames need at least ${Limits.USERNAME_MIN} characters.`);
        return;
      }
      if (password.length < Limits.PASSWORD_MIN) {
        setError(`Passwords need at least ${Limits.PASSWORD_MIN} characters.`);
        return;
      }
      void run('register', () => sessionStore.register(name, password));
    } else {
      void run('login', () => sessionStore.login(name, password));
    }
  }

  function switchMode(next: Mode) {
    setMode(next);
    setError(null);
  }

  return (
    <main className="signin">
      <div className="signin-card">
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true">
            <Icon name="chat" size={22} />
          </span>
          <span className="brand-name">SegmentChat</span>
        </div>
        <h1 className="signin-title">{mode === 'login' ? 'Welcome back' : 'Create your account'}</h1>
        <p className="signin-subtitle">
          {mode === 'login'
            ? 'Sign in to pick up where you left off.'
            : 'Pick a username and password to join the conversation.'}
        </p>
        {notice ? (
          <p className="signin-notice" role="status">
            {notice}
          </p>
        ) : null}
        <div className="segmented" role="tablist" aria-label="Sign-in method">
          <button
            type="button"
            role="tab"
            id={`${id}-tab-login`}
            aria-selected={mode === 'login'}
            aria-controls={`${id}-panel`}
            className="segmented-item"
            onClick={() => switchMode('login')}
          >
            Log in
          </button>
          <button
            type="button"
            role="tab"
            id={`${id}-tab-register`}
            aria-selected={mode === 'register'}
            aria-controls={`${id}-panel`}
            className="segmented-item"
            onClick={() => switchMode('register')}
          >
            Register
          </button>
        </div>
        <form
          id={`${id}-panel`}
          role="tabpanel"
          aria-labelledby={`${id}-tab-${mode}`}
          className="signin-form"
          onSubmit={onSubmit}
          noValidate
        >
          <label className="field">
            <span className="field-label">Username</span>
            <input
              className="input"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={Limits.USERNAME_MAX}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              required
              autoFocus
            />
          </label>
          <label className="field">
            <span className="field-label">Password</span>
            <input
              className="input"
              type="password"
              name="password"
              autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
              maxLength={Limits.PASSWORD_MAX}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
            />
            {mode === 'register' ? (
              <span className="field-hint">At least {Limits.PASSWORD_MIN} characters.</span>
            ) : null}
          </label>
          {error ? (
            <p className="form-error" role="alert">
              <Icon name="alert" size={16} />
              {error}
            </p>
          ) : null}
          <button className="btn btn-primary btn-block" type="submit" disabled={busy !== null}>
            {mode === 'login'
              ? busy === 'login'
                ? 'Logging in…'
                : 'Log in'
              : busy === 'register'
                ? 'Creating account…'
                : 'Create account'}
          </button>
        </form>
        <div className="divider-text">
          <span>or</span>
        </div>
        <button
          className="btn btn-secondary btn-block"
          type="button"
          disabled={busy !== null}
          onClick={() => void run('visitor', () => sessionStore.continueAsVisitor())}
        >
          {busy === 'visitor' ? 'Joining…' : 'Continue as visitor'}
        </button>
        <p className="signin-footnote">Visitors can read and write public channels with a temporary name.</p>
      </div>
    </main>
  );
}
