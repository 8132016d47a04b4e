import { useMemo, useRef } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { Avatar } from '../components/Avatar.tsx';
import { useWatchPresence } from '../chat/use-chat.ts';
import { byPresence } from '../chat/presence-order.ts';
import { useChannelMembers } from './use-channel-members.ts';
import { useLastKnownPresence } from './use-last-known-presence.ts';
import { useVisibleIds } from './use-visible-ids.ts';

export function MembersDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  // Offline, the list last seen (kept in IndexedDB), marked as such.
  const { members, presence: atOpen, error, stale } = useChannelMembers(channel.id);
  const listRef = useRef<HTMLUListElement>(null);
  // The server pushes presence only within small channels; the rows in view are asked for (in
  // a small channel that costs nothing more: their changes are pushed anyway).
  useWatchPresence(useVisibleIds(listRef, members));
  const presence = useLastKnownPresence(members?.map((m) => m.userId) ?? []);
  // Who the server said was online when the list came, for those the client has heard nothing of.
  const openedWith = useMemo(() => new Map(atOpen.map((p) => [p.userId, p.status])), [atOpen]);

  const sorted = (members ?? [])
    .map((m) => ({
      ...m,
      status: presence.get(m.userId)?.status ?? openedWith.get(m.userId) ?? ('offline' as const),
    }))
    .sort(byPresence);

  return (
    <Dialog title={`Members of ${channel.name}`} onClose={onClose} size="sm">
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {members === null && !error ? <p className="empty-note">Loading members…</p> : null}
      {stale ? <p className="empty-note">You’re offline: members as last seen.</p> : null}
      <ul className="member-list" aria-label="Members" ref={listRef}>
        {sorted.map((m) => (
          <li
            key={m.userId}
            data-id={m.userId}
            className={`member-item${m.status === 'offline' ? ' member-offline' : ''}`}
          >
            <Avatar name={m.username} size={28} status={m.status} />
            <span className="member-name">
              {m.username}
              <span className="visually-hidden">, {m.status}</span>
            </span>
            {m.isOwner ? <span className="tag">Owner</span> : null}
            {m.role === 'visitor' ? <span className="tag tag-muted">Visitor</span> : null}
            {m.role === 'admin' ? <span className="tag">Admin</span> : null}
          </li>
        ))}
      </ul>
    </Dialog>
  );
}
