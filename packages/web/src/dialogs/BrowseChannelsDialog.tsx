import { useEffect, useState } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';

export function BrowseChannelsDialog({
  onClose,
  onJoined,
}: {
  onClose: () => void;
  onJoined: (channel: Channel) => void;
}) {
  const client = useClient();
  // The client knows the channels it is in; the public ones it is not in come from the server.
  const [channels, setChannels] = useState<readonly Channel[] | null>(null);
  const [query, setQuery] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [joining, setJoining] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    client.request('channel.list', {}).then(
      (r) => live && setChannels(r.channels),
      (err: unknown) => live && setError(errorText(err)),
    );
    return () => {
      live = false;
    };
  }, [client]);

  const q = query.trim().toLowerCase();
  const list = (channels ?? [])
    .filter((c) => c.kind === 'channel' && !c.joined)
    .filter((c) => !q || c.name.includes(q) || c.description.toLowerCase().includes(q))
    .sort((a, b) => b.memberCount - a.memberCount || a.name.localeCompare(b.name));

  async function join(channel: Channel) {
    setJoining(channel.id);
    setError(null);
    try {
      const result = await client.request('channel.join', { channelId: channel.id });
      onJoined(result.channel);
    } catch (err) {
      setError(errorText(err));
      setJoining(null);
    }
  }

  return (
    <Dialog title="Browse channels" onClose={onClose}>
      <label className="search-field">
        <Icon name="compass" size={16} />
        <input
          className="input"
          type="search"
          aria-label="Search channels"
          placeholder="Search channels"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          autoFocus
        />
      </label>
      {error ? (
        <p className="form-error" role="alert">
          <Icon name="alert" size={16} />
          {error}
        </p>
      ) : null}
      {channels === null ? (
        <p className="empty-note">Loading channels…</p>
      ) : list.length === 0 ? (
        <p className="empty-note">
          {q
            ? 'No channel matches that search.'
            : 'You’re in every public channel. Why not create a new one?'}
        </p>
      ) : (
        <ul className="browse-list" aria-label="Channels you can join">
          {list.map((c) => (
            <li key={c.id} className="browse-item">
              <span className="browse-icon">
                <Icon name="hash" />
              </span>
              <span className="browse-text">
                <span className="browse-name">{c.name}</span>
                <span className="browse-meta">
                  {c.memberCount} member{c.memberCount === 1 ? '' : 's'}
                  {c.description ? ` · ${c.description}` : ''}
                </span>
              </span>
              <button
                type="button"
                className="btn btn-primary btn-sm"
                aria-label={`Join ${c.name}`}
                disabled={joining !== null}
                onClick={() => void join(c)}
              >
                {joining === c.id ? 'Joining…' : 'Join'}
              </button>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
