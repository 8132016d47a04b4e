import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import type { StreamBroadcast, StreamViewer } from '@segmentchat/client';
import type { Stream } from '@segmentchat/protocol';
import { useClient } from '../chat/use-chat.ts';

/** Re-renders on every client change (the stream manager reports through the client). */
function useClientVersion(): void {
  const client = useClient();
  const subscribe = useCallback((l: () => void) => client.subscribe(l), [client]);
  const getVersion = useCallback(() => client.getVersion(), [client]);
  useSyncExternalStore(subscribe, getVersion);
}

/** The live stream in a channel, if any. */
export function useChannelStream(channelId: string): Stream | undefined {
  const client = useClient();
  useClientVersion();
  return client.streams.inChannel(channelId);
}

export function useBroadcast(): StreamBroadcast | null {
  const client = useClient();
  useClientVersion();
  return client.streams.broadcast;
}

export function useViewer(streamId: string | null): StreamViewer | undefined {
  const client = useClient();
  useClientVersion();
  return streamId ? client.streams.viewer(streamId) : undefined;
}

/** "4:07" or "1:02:33" since `since`, ticking every second. */
export function useElapsed(since: number): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function viewerText(n: number): string {
  return `${n} viewer${n === 1 ? '' : 's'}`;
}
