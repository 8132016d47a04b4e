import { useConnectionState } from '../chat/use-chat.ts';
import { Icon } from '../components/Icon.tsx';

/**
 * Sits in the layout flow above the message list (never over it), so pending and failed
 * messages stay visible whatever the connection does.
 */
export function ConnectionBanner({ pendingCount }: { pendingCount: number }) {
  const state = useConnectionState();
  if (state === 'online') return null;
  const waiting =
    pendingCount > 0
      ? ` ${pendingCount} message${pendingCount === 1 ? '' : 's'} will be sent when you’re back.`
      : '';
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
      text = 'Disconnected from the server.';
      break;
  }
  return (
    <div className={`banner banner-${state}`} role="alert">
      <Icon
        name={state === 'offline' || state === 'closed' ? 'wifiOff' : 'retry'}
        size={16}
        className="banner-icon"
      />
      <span>{text}</span>
    </div>
  );
}
