import type { ConnectionState } from '@segmentchat/client';
import { useConnectionState } from '../chat/use-chat.ts';

export const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting',
  online: 'Online',
  offline: 'Offline',
  reconnecting: 'Reconnecting',
  closed: 'Disconnected',
};

/** Always-visible connection state, so "online" is something a person (and a test) can read. */
export function ConnectionPill() {
  const state = useConnectionState();
  return (
    <span className={`conn-pill conn-${state}`} role="status" aria-label="Connection">
      <span className="conn-dot" aria-hidden="true" />
      {CONNECTION_LABEL[state]}
    </span>
  );
}
