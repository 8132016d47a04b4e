import type { Channel } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { useUnread } from '../chat/use-chat.ts';
import { useDmUnread, usePeerName } from './use-peers.ts';

/** A DM in the sidebar, named after the other person. */
export function DmNavItem({
  channel,
  active,
  onSelect,
}: {
  channel: Channel;
  active: boolean;
  onSelect: () => void;
}) {
  const unread = useUnread(channel.id) + useDmUnread(channel.id);
  const name = usePeerName(channel);
  return (
    <li>
      <button
        type="button"
        className={`nav-item${active ? ' nav-item-active' : ''}${unread > 0 ? ' nav-item-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={`${name}${unread > 0 ? `, ${unread} unread` : ''}`}
        onClick={onSelect}
      >
        <Avatar name={name} size={18} />
        <span className="nav-label">{name}</span>
        {unread > 0 ? (
          <span className="badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
    </li>
  );
}
