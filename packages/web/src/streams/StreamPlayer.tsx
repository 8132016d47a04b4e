import { useEffect, useId, useRef, useState } from 'react';
import type { Stream } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';
import { LiveStatus } from './GoLiveDialog.tsx';
import { StreamIcon } from './StreamIcon.tsx';
import { useViewer } from './use-streams.ts';

const MODE_TEXT = { direct: 'Direct from the streamer', relay: 'Through the server relay' } as const;

/**
 * The viewer's player: a modal with the video, who streams, for how long, how many watch, full
 * screen and leave. Closing it leaves the stream (the count drops); "View stream" comes back.
 */
export function StreamPlayer({ stream, onClose }: { stream: Stream; onClose: () => void }) {
  const client = useClient();
  const viewer = useViewer(stream.id);
  const ref = useRef<HTMLDialogElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const titleId = useId();
  const [error, setError] = useState<string | null>(null);
  const [needsUnmute, setNeedsUnmute] = useState(false);
  const ended = viewer?.state === 'ended';

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) dialog.showModal();
    client.streams.watch(stream.id).catch((e: unknown) => setError(errorText(e)));
    return () => {
      void client.streams.leave(stream.id);
      dialog?.close();
      opener?.focus();
    };
  }, [client, stream.id]);

  const media = viewer?.media;
  const trackCount = media?.getTracks().length ?? 0;
  useEffect(() => {
    const video = videoRef.current;
    if (!video || !media || trackCount === 0) return;
    if (video.srcObject !== media) video.srcObject = media;
    // Sound needs a user gesture on some browsers; without one, play muted and offer unmute.
    video.play().catch(() => {
      video.muted = true;
      setNeedsUnmute(true);
      void video.play().catch(() => {});
    });
  }, [media, trackCount]);

  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void stageRef.current?.requestFullscreen().catch(() => {});
  };

  return (
    <dialog
      ref={ref}
      className="dialog stream-player"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <div className="dialog-inner">
        <header className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {stream.streamerName}’s stream
          </h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            <Icon name="close" />
          </button>
        </header>
        <div className="stream-stage" ref={stageRef}>
          <video
            ref={videoRef}
            autoPlay
            playsInline
            aria-label={`Live stream from ${stream.streamerName}`}
            onDoubleClick={fullscreen}
          />
          {ended ? (
            <div className="stream-overlay" role="status">
              The stream has ended.
            </div>
          ) : viewer?.state === 'connecting' || !viewer ? (
            <div className="stream-overlay">Connecting…</div>
          ) : viewer.state === 'failed' ? (
            <div className="stream-overlay" role="alert">
              The stream could not be played.
            </div>
          ) : null}
          {!ended ? <LiveStatus startedAt={stream.startedAt} viewers={stream.viewers} /> : null}
        </div>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
        <footer className="dialog-footer stream-player-footer">
          <span className="stream-mode">{viewer?.mode ? MODE_TEXT[viewer.mode] : ''}</span>
          {needsUnmute ? (
            <button
              type="button"
              className="btn btn-secondary btn-sm"
              onClick={() => {
                if (videoRef.current) videoRef.current.muted = false;
                setNeedsUnmute(false);
              }}
            >
              <StreamIcon name="mic" /> Unmute
            </button>
          ) : null}
          <button type="button" className="btn btn-secondary btn-sm" onClick={fullscreen} disabled={ended}>
            <StreamIcon name="fullscreen" /> Full screen
          </button>
          <button type="button" className="btn btn-primary btn-sm" onClick={onClose}>
            {ended ? 'Close' : 'Leave stream'}
          </button>
        </footer>
      </div>
    </dialog>
  );
}
