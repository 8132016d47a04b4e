import { useCallback, useSyncExternalStore } from 'react';
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
