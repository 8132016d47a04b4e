import { useState } from 'react';
import type { Channel, Stream } from '@segmentchat/protocol';
import { useChatContext } from '../chat/chat-context.ts';
import { useClient } from '../chat/use-chat.ts';
import { GoLiveDialog } from './GoLiveDialog.tsx';
import { StreamIcon } from './StreamIcon.tsx';
import { StreamPlayer } from './StreamPlayer.tsx';
import { useBroadcast, useChannelStream, viewerText } from './use-streams.ts';
import './streams.css';

/**
 * The channel header's stream corner: a LIVE badge and "View stream" while someone streams
 * here, the streamer's own live controls, or "Start stream" for a member (not a visitor).
 */
export function StreamControls({ channel }: { channel: Channel }) {
  const { me } = useChatContext();
  const client = useClient();
  const live = useChannelStream(channel.id);
  const broadcast = useBroadcast();
  const [dialog, setDialog] = useState(false);
  // Kept after the stream ends, so the player can say so instead of vanishing.
  const [watching, setWatching] = useState<Stream | null>(null);
  const mine = live !== undefined && broadcast?.stream.id === live.id;
  const canStart =
    client.streams.supported &&
    channel.kind === 'channel' &&
    channel.joined &&
    me.role !== 'visitor' &&
    (broadcast === null || broadcast.ended);

  return (
    <>
      {live ? (
        <span
          className="live-badge"
          role="status"
          aria-label={`Live: ${live.streamerName} is streaming`}
          title={`${live.streamerName} is live · ${viewerText(live.viewers)}`}
        >
          LIVE
        </span>
      ) : null}
      {live && mine ? (
        <button type="button" className="btn btn-danger btn-sm stream-btn" onClick={() => setDialog(true)}>
          <StreamIcon name="video" size={16} />
          <span>You’re live · {viewerText(live.viewers)}</span>
        </button>
      ) : live && client.streams.supported ? (
        <button type="button" className="btn btn-primary btn-sm stream-btn" onClick={() => setWatching(live)}>
          <StreamIcon name="eye" size={16} />
          <span>View stream</span>
        </button>
      ) : !live && canStart ? (
        <button type="button" className="btn btn-secondary btn-sm stream-btn" onClick={() => setDialog(true)}>
          <StreamIcon name="video" size={16} />
          <span>Start stream</span>
        </button>
      ) : null}
      {dialog ? <GoLiveDialog channel={channel} onClose={() => setDialog(false)} /> : null}
      {watching ? (
        <StreamPlayer stream={live?.id === watching.id ? live : watching} onClose={() => setWatching(null)} />
      ) : null}
    </>
  );
}
