import { useEffect, useState, type FormEvent } from 'react';
import { CHANNEL_NAME_PATTERN, Limits } from '@segmentchat/protocol';
import type { AdminChannel, Member, Visibility } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { adminApi } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';

function toChannelName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/\s+/g, '-')
    .replace(/[^a-z0-9_-]/g, '')
    .slice(0, Limits.CHANNEL_NAME_MAX);
}

/** Create a channel, or rename it and change its description and visibility. */
export function ChannelFormDialog({
  channel,
  onClose,
  onSaved,
}: {
  channel: AdminChannel | null;
  onClose: () => void;
  onSaved: (c: AdminChannel) => void;
}) {
  const { onError } = useAdmin();
  const [name, setName] = useState(channel?.name ?? '');
  const [description, setDescription] = useState(channel?.description ?? '');
  const [visibility, setVisibility] = useState<Visibility>(channel?.visibility ?? 'public');
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
      const body = { name, description: description.trim(), visibility };
      const r = channel ? await adminApi.updateChannel(channel.id, body) : await adminApi.createChannel(body);
      onSaved(r.channel);
    } catch (err) {
      setError(onError(err));
      setBusy(false);
    }
  }

  return (
    <Dialog title={channel ? `Edit #${channel.name}` : 'Create a channel'} onClose={onClose}>
      <form className="form-stack" onSubmit={(e) => void onSubmit(e)} noValidate>
        <label className="field">
          <span className="field-label">Name</span>
          <span className="input-affix">
            <Icon name={visibility === 'private' ? 'lock' : 'hash'} size={16} />
            <input
              className="input"
              value={name}
              onChange={(e) => setName(toChannelName(e.target.value))}
              maxLength={Limits.CHANNEL_NAME_MAX}
              autoFocus
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
            maxLength={Limits.CHANNEL_DESCRIPTION_MAX}
          />
        </label>
        <fieldset className="field choice-group">
          <legend className="field-label">Visibility</legend>
          {(['public', 'private'] as const).map((v) => (
            <label key={v} className={visibility === v ? 'choice choice-checked' : 'choice'}>
              <input
                type="radio"
                name="visibility"
                checked={visibility === v}
                onChange={() => setVisibility(v)}
              />
              <Icon name={v === 'public' ? 'hash' : 'lock'} />
              <span>
                <span className="choice-title">{v === 'public' ? 'Public' : 'Private'}</span>
                <span className="choice-hint">
                  {v === 'public' ? 'Anyone can find and join it.' : 'Only its members can see it.'}
                </span>
              </span>
            </label>
          ))}
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
            {channel ? 'Save changes' : 'Create channel'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Who is in a channel; add by username, remove with a click. Members see it live. */
export function MembersDialog({ channel, onClose }: { channel: AdminChannel; onClose: () => void }) {
  const { onError } = useAdmin();
  const [members, setMembers] = useState<Member[] | null>(null);
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    adminApi.members(channel.id).then(
      (r) => setMembers(r.members),
      (err: unknown) => setError(onError(err)),
    );
  }, [channel.id, onError]);

  async function run(action: () => Promise<{ members: Member[] }>) {
    setBusy(true);
    setError(null);
    try {
      setMembers((await action()).members);
      return true;
    } catch (err) {
      setError(onError(err));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function onAdd(e: FormEvent) {
    e.preventDefault();
    if (await run(() => adminApi.addMember(channel.id, username.trim()))) setUsername('');
  }

  return (
    <Dialog
      title={`Members of #${channel.name}`}
      onClose={onClose}
      footer={
        <button type="button" className="btn btn-primary" onClick={onClose}>
          Done
        </button>
      }
    >
      <form className="input-row admin-add-member" onSubmit={(e) => void onAdd(e)}>
        <label className="field admin-grow">
          <span className="field-label">Add a member by username</span>
          <input
            className="input"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            autoComplete="off"
          />
        </label>
        <button type="submit" className="btn btn-secondary" disabled={busy || username.trim() === ''}>
          <Icon name="userPlus" size={16} />
          Add
        </button>
      </form>
      {error ? (
        <p className="form-error" role="alert">
          <Icon name="alert" size={16} />
          {error}
        </p>
      ) : null}
      {members === null ? (
        <p className="empty-note">Loading…</p>
      ) : members.length === 0 ? (
        <p className="empty-note">No members yet.</p>
      ) : (
        <ul className="admin-member-list" aria-label="Members">
          {members.map((m) => (
            <li key={m.userId} className="admin-member" aria-label={m.username}>
              <Avatar name={m.username} size={28} />
              <span className="admin-member-name">{m.username}</span>
              {m.isOwner ? <span className="tag tag-muted">Owner</span> : null}
              {m.role === 'admin' ? <span className="tag admin-role-admin">Admin</span> : null}
              <button
                type="button"
                className="btn btn-ghost btn-sm admin-member-remove"
                disabled={busy}
                aria-label={`Remove ${m.username}`}
                onClick={() => void run(() => adminApi.removeMember(channel.id, m.userId))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
