import { useState, type FormEvent } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';

export function InviteDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  const [username, setUsername] = useState('');
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [code, setCode] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);

  async function onInvite(e: FormEvent) {
    e.preventDefault();
    const name = username.trim();
    if (!name) return setStatus({ ok: false, text: 'Type the username of the person to invite.' });
    setBusy(true);
    setStatus(null);
    try {
      await client.request('channel.invite', { channelId: channel.id, username: name });
      setStatus({ ok: true, text: `${name} was added to ${channel.name}.` });
      setUsername('');
    } catch (err) {
      setStatus({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  async function createCode() {
    setStatus(null);
    try {
      const { inviteCode } = await client.request('channel.invite', { channelId: channel.id });
      setCode(inviteCode ?? null);
      setCopied(false);
    } catch (err) {
      setStatus({ ok: false, text: errorText(err) });
    }
  }

  async function copy() {
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
    } catch {
      setStatus({ ok: false, text: 'Couldn’t copy. Select the code and copy it yourself.' });
    }
  }

  return (
    <Dialog title={`Invite people to ${channel.name}`} onClose={onClose}>
      <form className="form-stack" onSubmit={(e) => void onInvite(e)} noValidate>
        <label className="field">
          <span className="field-label">Username</span>
          <span className="input-row">
            <input
              className="input"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              placeholder="Who should join?"
              autoFocus
              autoCapitalize="none"
              spellCheck={false}
            />
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Inviting…' : 'Invite'}
            </button>
          </span>
        </label>
        {status ? (
          <p className={status.ok ? 'form-success' : 'form-error'} role={status.ok ? 'status' : 'alert'}>
            <Icon name={status.ok ? 'userPlus' : 'alert'} size={16} />
            {status.text}
          </p>
        ) : null}
      </form>
      <div className="invite-code-box">
        <div className="field-label">Invite code</div>
        <p className="field-hint">Anyone with the code can join this channel with “Join with invite code”.</p>
        {code ? (
          <div className="input-row">
            <input className="input input-mono" readOnly value={code} aria-label="Invite code" />
            <button type="button" className="btn btn-secondary" onClick={() => void copy()}>
              <Icon name="copy" size={16} />
              {copied ? 'Copied' : 'Copy code'}
            </button>
          </div>
        ) : (
          <button type="button" className="btn btn-secondary" onClick={() => void createCode()}>
            <Icon name="ticket" size={16} />
            Create invite code
          </button>
        )}
      </div>
    </Dialog>
  );
}
