import { ErrorCode } from '@segmentchat/protocol';
import { useClient, useConnectionState } from '../chat/use-chat.ts';
import { Icon } from '../components/Icon.tsx';

/**
 * Sits in the layout flow above the message list (never over it), so pending and failed
 * messages stay visible whatever the connection does.
 */
export function ConnectionBanner({ pendingCount }: { pendingCount: number }) {
  const client = useClient();
  const state = useConnectionState();
  if (state === 'online') return null;
  const messages = `${pendingCount} message${pendingCount === 1 ? '' : 's'}`;
  const waiting = pendingCount > 0 ? ` ${messages} will be sent when you’re back.` : '';
  const updated = state === 'closed' && client.closedBy?.code === ErrorCode.PROTOCOL_MISMATCH;
  let text: string;
  switch (state) {
    case 'connecting':
      text = 'Connecting to SegmentChat…';
      break;
    case 'reconnecting':
      text = `Connection lost. Reconnecting…${waiting}`;
      break;
    case 'offline':
      text = `You’re offline. You can keep writing.${waiting}`;
      break;
    case 'closed':
      // The outbox is kept on this device, so what waits is sent by the reloaded app.
      text = updated
        ? `SegmentChat was updated. Reload to use the new version.${pendingCount > 0 ? ` ${messages} will be sent then.` : ''}`
        : 'Disconnected from the server.';
      break;
  }
  return (
    <div className={`banner banner-${updated ? 'updated' : state}`} role="alert">
      <Icon
        name={!updated && (state === 'offline' || state === 'closed') ? 'wifiOff' : 'retry'}
        size={16}
        className="banner-icon"
      />
      <span>{text}</span>
      {state === 'closed' && (
        <button
          type="button"
          className="btn btn-secondary btn-sm banner-action"
          onClick={() => window.location.reload()}
        >
          Reload
        </button>
      )}
    </div>
  );
}
