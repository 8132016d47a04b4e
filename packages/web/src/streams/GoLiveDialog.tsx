import { useEffect, useRef, useState } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { Dialog } from '../components/Dialog.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';
import { StreamIcon } from './StreamIcon.tsx';
import { useBroadcast, useElapsed, viewerText } from './use-streams.ts';

/** 720p at 30 fps: sharp on a laptop screen, ~1.5 Mbit/s of VP8 per direct viewer. */
const VIDEO: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

async function capture(videoId: string, audioId: string): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    video: videoId ? { ...VIDEO, deviceId: { exact: videoId } } : VIDEO,
    audio: audioId ? { deviceId: { exact: audioId } } : true,
  });
}

/**
 * "Start stream": asks for the camera and microphone, shows a preview with device choice, mute
 * and camera-off, then goes live. While live, the same dialog shows the time, the viewers and
 * a stop button; closing it leaves the stream running.
 */
export function GoLiveDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  const broadcast = useBroadcast();
  const live = broadcast && broadcast.stream.channelId === channel.id ? broadcast : null;
  const [preview, setPreview] = useState<MediaStream | null>(null);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [videoId, setVideoId] = useState('');
  const [audioId, setAudioId] = useState('');
  const [muted, setMuted] = useState(false);
  const [cameraOff, setCameraOff] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const videoRef = useRef<HTMLVideoElement>(null);
  const handedOver = useRef(false);
  const media = live ? live.media : preview;
  // Stopping (or losing) the stream closes the dialog rather than reopening the camera.
  const wasLive = useRef(false);
  useEffect(() => {
    if (live) wasLive.current = true;
    else if (wasLive.current) onClose();
  }, [live, onClose]);

  // Before going live: capture, and stop the camera again if the dialog closes without going live.
  useEffect(() => {
    if (live || wasLive.current) return;
    let stopped = false;
    let mine: MediaStream | null = null;
    capture(videoId, audioId)
      .then(async (m) => {
        if (stopped) return m.getTracks().forEach((t) => t.stop());
        mine = m;
        for (const t of m.getAudioTracks()) t.enabled = !muted;
        for (const t of m.getVideoTracks()) t.enabled = !cameraOff;
        setPreview(m);
        setError(null);
        setDevices(await navigator.mediaDevices.enumerateDevices());
      })
      .catch((e: unknown) =>
        setError(
          e instanceof DOMException && e.name === 'NotAllowedError'
            ? 'Camera and microphone access was denied. Allow it in the browser to stream.'
            : 'No camera or microphone could be opened.',
        ),
      );
    return () => {
      stopped = true;
      if (mine && !handedOver.current) mine.getTracks().forEach((t) => t.stop());
    };
    // Mute and camera-off change tracks in place; only a device change captures again.
  }, [videoId, audioId, live === null]);

  useEffect(() => {
    if (videoRef.current && media) videoRef.current.srcObject = media;
  }, [media]);

  const toggleMute = () => {
    const next = !(live ? live.muted : muted);
    setMuted(next);
    if (live) live.setMuted(next);
    else for (const t of preview?.getAudioTracks() ?? []) t.enabled = !next;
  };
  const toggleCamera = () => {
    const next = !(live ? live.cameraOff : cameraOff);
    setCameraOff(next);
    if (live) live.setCameraOff(next);
    else for (const t of preview?.getVideoTracks() ?? []) t.enabled = !next;
  };
  const chooseDevice = async (kind: 'video' | 'audio', id: string) => {
    if (!live) return kind === 'video' ? setVideoId(id) : setAudioId(id);
    try {
      const m = await navigator.mediaDevices.getUserMedia(
        kind === 'video'
          ? { video: { ...VIDEO, deviceId: { exact: id } } }
          : { audio: { deviceId: { exact: id } } },
      );
      const track = m.getTracks()[0];
      if (track) await live.replaceTrack(track);
      if (kind === 'video') setVideoId(id);
      else setAudioId(id);
    } catch {
      setError('That device could not be opened.');
    }
  };
  const goLive = async () => {
    if (!preview) return;
    setBusy(true);
    // Handed over first: going live re-renders, and the capture effect's cleanup must not stop it.
    handedOver.current = true;
    try {
      const b = await client.streams.start(channel.id, preview);
      b.on('ended', () => preview.getTracks().forEach((t) => t.stop()));
      setError(null);
    } catch (e) {
      handedOver.current = false;
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const isMuted = live ? live.muted : muted;
  const isCameraOff = live ? live.cameraOff : cameraOff;
  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const mics = devices.filter((d) => d.kind === 'audioinput');

  return (
    <Dialog
      title={live ? `Live in ${channel.name}` : `Start a stream in ${channel.name}`}
      onClose={onClose}
      footer={
        live ? (
          <button type="button" className="btn btn-danger" onClick={() => void live.stop()}>
            Stop stream
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-primary"
            disabled={!preview || busy}
            onClick={() => void goLive()}
          >
            Go live
          </button>
        )
      }
    >
      <div className="stream-preview">
        <video ref={videoRef} autoPlay muted playsInline aria-label="Camera preview" />
        {isCameraOff ? <div className="stream-camera-off">Camera off</div> : null}
        {live ? <LiveStatus startedAt={live.stream.startedAt} viewers={live.stream.viewers} /> : null}
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="stream-toggles">
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          aria-pressed={isMuted}
          onClick={toggleMute}
        >
          <StreamIcon name={isMuted ? 'micOff' : 'mic'} />
          <span>{isMuted ? 'Unmute' : 'Mute'}</span>
        </button>
        <button
          type="button"
          className="btn btn-secondary btn-sm"
          aria-pressed={isCameraOff}
          onClick={toggleCamera}
        >
          <StreamIcon name={isCameraOff ? 'videoOff' : 'video'} />
          <span>{isCameraOff ? 'Camera on' : 'Camera off'}</span>
        </button>
      </div>
      <div className="stream-devices">
        <label>
          <span>Camera</span>
          <select value={videoId} onChange={(e) => void chooseDevice('video', e.target.value)}>
            {videoId === '' ? <option value="">Default camera</option> : null}
            {cameras.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Microphone</span>
          <select value={audioId} onChange={(e) => void chooseDevice('audio', e.target.value)}>
            {audioId === '' ? <option value="">Default microphone</option> : null}
            {mics.map((d, i) => (
              <option key={d.deviceId} value={d.deviceId}>
                {d.label || `Microphone ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      </div>
    </Dialog>
  );
}

export function LiveStatus({ startedAt, viewers }: { startedAt: number; viewers: number }) {
  const elapsed = useElapsed(startedAt);
  return (
    <div className="stream-status">
      <span className="live-pill">LIVE</span>
      <span aria-label="Live time">{elapsed}</span>
      <span role="status" aria-label="Viewers">
        <StreamIcon name="eye" size={14} /> {viewerText(viewers)}
      </span>
    </div>
  );
}
