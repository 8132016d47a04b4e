import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { useClient } from '../chat/use-chat.ts';
import { useChannelMembers } from './use-channel-members.ts';

export function MembersDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  // Offline, the list last seen (kept in IndexedDB), marked as such.
  const { members, error, stale } = useChannelMembers(channel.id, channel.memberCount);

  const sorted = members ? [...members].sort((a, b) => a.username.localeCompare(b.username)) : [];

  return (
    <Dialog title={`Members of ${channel.name}`} onClose={onClose} size="sm">
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {members === null && !error ? <p className="empty-note">Loading members…</p> : null}
      {stale ? <p className="empty-note">You’re offline: members as last seen.</p> : null}
      <ul className="member-list" aria-label="Members">
        {sorted.map((m) => (
          <li key={m.userId} className="member-item">
            <Avatar name={m.username} size={28} status={client.presence(m.userId)?.status ?? 'offline'} />
            <span className="member-name">{m.username}</span>
            {m.isOwner ? <span className="tag">Owner</span> : null}
            {m.role === 'visitor' ? <span className="tag tag-muted">Visitor</span> : null}
            {m.role === 'admin' ? <span className="tag">Admin</span> : null}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
