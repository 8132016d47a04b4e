import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { ChatClient, ConnectionState, PendingMessage } from '@segmentchat/client';
import type { Channel, Message, Presence } from '@segmentchat/protocol';
import { useChatContext } from './chat-context.ts';

/**
 * Hooks over the SDK's store. Every hook subscribes with useSyncExternalStore to the client's
 * version counter, then reads plain data from the client during render.
 */
export function useClient(): ChatClient {
  return useChatContext().client;
}

function useVersion(client: ChatClient): number {
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client]);
  const getVersion = useCallback(() => client.getVersion(), [client]);
  return useSyncExternalStore(subscribe, getVersion);
}

export function useChannels(): readonly Channel[] {
  const client = useClient();
  useVersion(client);
  return client.channels();
}

export function useChannel(channelId: string | null): Channel | undefined {
  const client = useClient();
  useVersion(client);
  return channelId ? client.channel(channelId) : undefined;
}

export function useMessages(channelId: string): readonly Message[] {
  const client = useClient();
  useVersion(client);
  return client.messages(channelId);
}

export function usePending(channelId: string): readonly PendingMessage[] {
  const client = useClient();
  useVersion(client);
  return client.pending(channelId);
}

export function useAllPresence(): readonly Presence[] {
  const client = useClient();
  useVersion(client);
  return client.allPresence();
}

/**
 * Presence of these users as the client knows it: pushed (people sharing a small channel) or
 * watched (`useWatchPresence`). Those it knows nothing of are missing from the map.
 */
export function usePresenceOf(userIds: readonly string[]): ReadonlyMap<string, Presence> {
  const client = useClient();
  useVersion(client);
  const known = new Map<string, Presence>();
  for (const id of userIds) {
    const p = client.presence(id);
    if (p) known.set(id, p);
  }
  return known;
}

/**
 * Keeps these users' presence live while mounted: the server pushes presence only within small
 * channels, so a view showing members of a large one asks for the people it shows.
 */
export function useWatchPresence(userIds: readonly string[]): void {
  const client = useClient();
  // A key, not the array: callers build a new array each render, which is no reason to re-ask.
  const key = JSON.stringify(userIds);
  useEffect(() => {
    const ids = JSON.parse(key) as string[];
    return ids.length > 0 ? client.watchPresence(ids) : undefined;
  }, [client, key]);
}

export function useTyping(channelId: string): readonly string[] {
  const client = useClient();
  useVersion(client);
  return client.typingIn(channelId);
}

export function useUnread(channelId: string): number {
  const client = useClient();
  useVersion(client);
  return client.unreadCount(channelId);
}

export function useConnectionState(): ConnectionState {
  const client = useClient();
  const subscribe = useCallback((listener: () => void) => client.on('state', listener), [client]);
  const get = useCallback(() => client.state, [client]);
  return useSyncExternalStore(subscribe, get);
}
