import type { Channel } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { MenuButton, type MenuItem } from '../components/Menu.tsx';
import { useChatContext } from '../chat/chat-context.ts';
import { stripBidiControls } from '../text/parse-rich-text.ts';
import { HostBadge } from '../hosting/HostBadge.tsx';
import { StreamControls } from '../streams/StreamControls.tsx';

export type HeaderAction = 'members' | 'invite' | 'leave';

export function ChannelHeader({
  channel,
  onAction,
  onOpenNav,
}: {
  channel: Channel;
  onAction: (action: HeaderAction) => void;
  onOpenNav: () => void;
}) {
  const { me } = useChatContext();
  // Kept live by the client from joins and leaves, and refreshed by every hello.
  const memberCount = channel.memberCount;
  const isPrivate = channel.visibility === 'private';
  const canInvite =
    isPrivate && channel.kind === 'channel' && (channel.ownerId === me.id || me.role === 'admin');
  const menu: MenuItem[] = [
    { label: 'View members', icon: <Icon name="users" size={16} />, onSelect: () => onAction('members') },
    ...(canInvite
      ? [
          {
            label: 'Invite people',
            icon: <Icon name="userPlus" size={16} />,
            onSelect: () => onAction('invite'),
          },
        ]
      : []),
    ...(channel.kind === 'channel'
      ? [
          {
            label: 'Leave channel',
            icon: <Icon name="door" size={16} />,
            danger: true,
            onSelect: () => onAction('leave'),
          },
        ]
      : []),
  ];

  return (
    <header className="channel-header">
      <button type="button" className="icon-btn nav-toggle" aria-label="Open navigation" onClick={onOpenNav}>
        <Icon name="menu" />
      </button>
      <div className="channel-heading">
        <h1 className="channel-name">
          <Icon name={isPrivate ? 'lock' : 'hash'} size={18} className="channel-name-icon" />
          <span>{channel.name}</span>
          {isPrivate ? <span className="visually-hidden"> (private channel)</span> : null}
        </h1>
        {channel.description ? (
          <p className="channel-description" dir="auto" title={stripBidiControls(channel.description)}>
            {stripBidiControls(channel.description)}
          </p>
        ) : null}
      </div>
      <div className="channel-tools">
        <StreamControls channel={channel} />
        <HostBadge channel={channel} />
        <button
          type="button"
          className="member-count"
          onClick={() => onAction('members')}
          aria-label={`${memberCount} member${memberCount === 1 ? '' : 's'}`}
        >
          <Icon name="users" size={16} />
          <span>{memberCount}</span>
        </button>
        {canInvite ? (
          <button
            type="button"
            className="btn btn-secondary btn-sm header-invite"
            onClick={() => onAction('invite')}
          >
            <Icon name="userPlus" size={16} />
            <span>Invite</span>
          </button>
        ) : null}
        <MenuButton label="Channel options" className="icon-btn" items={menu} placement="down">
          <Icon name="chevronDown" />
        </MenuButton>
      </div>
    </header>
  );
}
