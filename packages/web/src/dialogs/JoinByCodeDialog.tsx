import { useState, type FormEvent } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';

export function JoinByCodeDialog({
  onClose,
  onJoined,
}: {
  onClose: () => void;
  onJoined: (channel: Channel) => void;
}) {
  const client = useClient();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const inviteCode = code.trim();
    if (!inviteCode) return setError('Paste the invite code you were given.');
    setBusy(true);
    setError(null);
    try {
      const { channel } = await client.request('channel.join', { inviteCode });
      onJoined(channel);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Join with an invite code"
      description="Someone in a private channel can give you a code to join it."
      onClose={onClose}
      size="sm"
    >
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Invite code</span>
          <input
            className="input input-mono"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            autoFocus
            spellCheck={false}
            maxLength={64}
          />
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
            {busy ? 'Joining…' : 'Join channel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
