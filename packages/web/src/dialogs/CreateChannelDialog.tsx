import { useState, type FormEvent } from 'react';
import { CHANNEL_NAME_PATTERN, Limits, type Channel, type Visibility } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';

/** Turns "Design Team!" into "design-team" as the user types, so names always fit the rule. */
function toChannelName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9_-]/g, '')
    .slice(0, Limits.CHANNEL_NAME_MAX);
}

export function CreateChannelDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (channel: Channel) => void;
}) {
  const client = useClient();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('public');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (name.length < Limits.CHANNEL_NAME_MIN || !CHANNEL_NAME_PATTERN.test(name)) {
      setError(`Names need ${Limits.CHANNEL_NAME_MIN}+ characters: lower-case letters, digits, - and _.`);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { channel } = await client.request('channel.create', {
        name,
        description: description.trim(),
        visibility,
      });
      onCreated(channel);
    } catch (err) {
      setError(errorText(err));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Create a channel"
      description="Channels are where conversations happen. Pick a name that says what it’s about."
      onClose={onClose}
    >
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Name</span>
          <span className="input-affix">
            <Icon name={visibility === 'private' ? 'lock' : 'hash'} size={16} />
            <input
              className="input"
              value={name}
              onChange={(e) => setName(toChannelName(e.target.value))}
              placeholder="e.g. design-team"
              autoFocus
              maxLength={Limits.CHANNEL_NAME_MAX}
            />
          </span>
        </label>
        <label className="field">
          <span className="field-label">
            Description <span className="field-optional">(optional)</span>
          </span>
          <input
            className="input"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            placeholder="What is this channel about?"
            maxLength={Limits.CHANNEL_DESCRIPTION_MAX}
          />
        </label>
        <fieldset className="field choice-group">
          <legend className="field-label">Visibility</legend>
          <label className={visibility === 'public' ? 'choice choice-checked' : 'choice'}>
            <input
              type="radio"
              name="visibility"
              value="public"
              checked={visibility === 'public'}
              onChange={() => setVisibility('public')}
            />
            <Icon name="hash" />
            <span>
              <span className="choice-title">Public</span>
              <span className="choice-hint">Anyone can find and join it, visitors included.</span>
            </span>
          </label>
          <label className={visibility === 'private' ? 'choice choice-checked' : 'choice'}>
            <input
              type="radio"
              name="visibility"
              value="private"
              checked={visibility === 'private'}
              onChange={() => setVisibility('private')}
            />
            <Icon name="lock" />
            <span>
              <span className="choice-title">Private</span>
              <span className="choice-hint">Only people you invite can see it.</span>
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
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create channel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
