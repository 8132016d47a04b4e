import { useCallback, useSyncExternalStore } from 'react';
import type { ChatClient, DmItem, HostInfo } from '@segmentchat/client';
import type { Channel } from '@segmentchat/protocol';
import { useClient } from '../chat/use-chat.ts';

/** Peer-to-peer read models of the SDK (`client.peers`), re-read on every client change. */
function usePeerVersion(client: ChatClient): number {
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client]);
  const getVersion = useCallback(() => client.getVersion(), [client]);
  return useSyncExternalStore(subscribe, getVersion);
}

export function useDmItems(channelId: string): readonly DmItem[] {
  const client = useClient();
  usePeerVersion(client);
  return client.peers.dmItems(channelId);
}

export function useDmUnread(channelId: string): number {
  const client = useClient();
  usePeerVersion(client);
  return client.peers.dmUnread(channelId);
}

/** Whether a DM written now goes over the data channel. */
export function useIsDirect(channelId: string): boolean {
  const client = useClient();
  usePeerVersion(client);
  return client.peers.isDirect(channelId);
}

export function useHostInfo(channelId: string): HostInfo | null {
  const client = useClient();
  usePeerVersion(client);
  return client.peers.hostInfo(channelId);
}

/** The other person of a DM, by name (presence knows everyone who shares a channel). */
export function usePeerName(channel: Channel): string {
  const client = useClient();
  usePeerVersion(client);
  return (channel.peerId && client.presence(channel.peerId)?.username) || 'Direct message';
}
