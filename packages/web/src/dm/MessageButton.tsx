import { useState } from 'react';
import type { Presence } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { channelPath, navigate } from '../navigation/router.ts';

/** "Message" on a person in the sidebar: opens (or creates) the DM with them. */
export function MessageButton({ person }: { person: Presence }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const open = () => {
    setBusy(true);
    client.request('dm.open', { userId: person.userId }).then(
      ({ channel }) => {
        setBusy(false);
        navigate(channelPath(channel.id));
      },
      () => setBusy(false),
    );
  };
  return (
    <button
      type="button"
      className="icon-btn icon-btn-sm person-message"
      aria-label={`Message ${person.username}`}
      title={`Message ${person.username}`}
      disabled={busy}
      onClick={open}
    >
      <Icon name="chat" size={14} />
    </button>
  );
}
