import type { Channel } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { useChannels, useUnread } from '../chat/use-chat.ts';
import { useChatContext } from '../chat/chat-context.ts';
import { DmNavItem } from '../dm/DmNavItem.tsx';
import { useChannelStream } from '../streams/use-streams.ts';
import { ConnectionPill } from './ConnectionPill.tsx';
import { PeopleList } from './PeopleList.tsx';
import { UserFooter } from './UserFooter.tsx';

export type SidebarAction = 'create' | 'browse' | 'joinCode';

function ChannelItem({
  channel,
  active,
  onSelect,
}: {
  channel: Channel;
  active: boolean;
  onSelect: () => void;
}) {
  const unread = useUnread(channel.id);
  const isPrivate = channel.visibility === 'private';
  const live = useChannelStream(channel.id) !== undefined;
  const label = `${channel.name}${isPrivate ? ', private' : ''}${live ? ', live' : ''}${unread > 0 ? `, ${unread} unread` : ''}`;
  return (
    <li>
      <button
        type="button"
        className={`nav-item${active ? ' nav-item-active' : ''}${unread > 0 ? ' nav-item-unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={label}
        onClick={onSelect}
      >
        <Icon name={isPrivate ? 'lock' : 'hash'} size={16} className="nav-icon" />
        <span className="nav-label">{channel.name}</span>
        {live ? (
          <span className="nav-live" aria-hidden="true">
            LIVE
          </span>
        ) : null}
        {unread > 0 ? (
          <span className="badge" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
    </li>
  );
}

export function Sidebar({
  activeChannelId,
  onSelect,
  onAction,
}: {
  activeChannelId: string | null;
  onSelect: (channelId: string) => void;
  onAction: (action: SidebarAction) => void;
}) {
  const { me } = useChatContext();
  const channels = useChannels();
  const joined = channels
    .filter((c) => c.joined && c.kind === 'channel')
    .sort((a, b) => a.name.localeCompare(b.name));
  const dms = channels.filter((c) => c.joined && c.kind === 'dm');
  const isVisitor = me.role === 'visitor';

  return (
    <div className="sidebar-inner">
      <header className="sidebar-header">
        <span className="brand-mark brand-mark-sm" aria-hidden="true">
          <Icon name="chat" size={16} />
        </span>
        <span className="sidebar-title">SegmentChat</span>
        <ConnectionPill />
      </header>
      <div className="sidebar-scroll">
        <nav aria-label="Channels" className="sidebar-section">
          <div className="section-header">
            <h2 className="section-title" id="channels-heading">
              Channels
            </h2>
            <button
              type="button"
              className="icon-btn icon-btn-sm"
              aria-label="Create channel"
              title={isVisitor ? 'Register to create channels' : 'Create channel'}
              disabled={isVisitor}
              onClick={() => onAction('create')}
            >
              <Icon name="plus" size={16} />
            </button>
          </div>
          <ul className="nav-list" aria-labelledby="channels-heading">
            {joined.map((c) => (
              <ChannelItem
                key={c.id}
                channel={c}
                active={c.id === activeChannelId}
                onSelect={() => onSelect(c.id)}
              />
            ))}
          </ul>
          {joined.length === 0 ? <p className="sidebar-empty">You haven’t joined a channel yet.</p> : null}
          <button type="button" className="nav-item nav-item-muted" onClick={() => onAction('browse')}>
            <Icon name="compass" size={16} className="nav-icon" />
            <span className="nav-label">Browse channels</span>
          </button>
          {!isVisitor ? (
            <button type="button" className="nav-item nav-item-muted" onClick={() => onAction('joinCode')}>
              <Icon name="ticket" size={16} className="nav-icon" />
              <span className="nav-label">Join with invite code</span>
            </button>
          ) : null}
        </nav>
        {dms.length > 0 ? (
          <nav aria-label="Direct messages" className="sidebar-section">
            <div className="section-header">
              <h2 className="section-title">Direct messages</h2>
            </div>
            <ul className="nav-list">
              {dms.map((c) => (
                <DmNavItem
                  key={c.id}
                  channel={c}
                  active={c.id === activeChannelId}
                  onSelect={() => onSelect(c.id)}
                />
              ))}
            </ul>
          </nav>
        ) : null}
        <PeopleList />
      </div>
      <UserFooter />
    </div>
  );
}
