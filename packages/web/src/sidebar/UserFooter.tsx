import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { MenuButton } from '../components/Menu.tsx';
import { useChatContext } from '../chat/chat-context.ts';
import { sessionStore } from '../session/session-store.ts';
import { useConnectionState } from '../chat/use-chat.ts';
import { useState } from 'react';
import { UpgradeVisitorDialog } from '../dialogs/UpgradeVisitorDialog.tsx';

export function UserFooter() {
  const { me } = useChatContext();
  const state = useConnectionState();
  const [upgrading, setUpgrading] = useState(false);
  const items = [
    ...(me.role === 'visitor'
      ? [
          {
            label: 'Create an account',
            icon: <Icon name="userPlus" size={16} />,
            onSelect: () => setUpgrading(true),
          },
        ]
      : []),
    ...(me.role === 'admin'
      ? [
          {
            label: 'Admin panel',
            icon: <Icon name="users" size={16} />,
            onSelect: () => window.location.assign('/admin'),
          },
        ]
      : []),
    {
      label: 'Sign out',
      icon: <Icon name="logout" size={16} />,
      danger: true,
      onSelect: () => void sessionStore.signOut(),
    },
  ];
  return (
    <footer className="user-footer">
      <MenuButton label={`Account menu for ${me.username}`} className="user-button" items={items}>
        <Avatar name={me.username} size={32} status={state === 'online' ? 'online' : 'offline'} />
        <span className="user-text">
          <span className="user-name">{me.username}</span>
          <span className="user-role">
            {me.role === 'visitor' ? 'Visitor' : me.role === 'admin' ? 'Admin' : 'Member'}
          </span>
        </span>
        <Icon name="chevronDown" size={16} className="user-chevron" />
      </MenuButton>
      {upgrading ? <UpgradeVisitorDialog onClose={() => setUpgrading(false)} /> : null}
    </footer>
  );
}
