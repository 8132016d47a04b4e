import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { PendingMessage } from '@segmentchat/client';
import { useChatContext } from '../chat/chat-context.ts';
import { useChannels, useConnectionState } from '../chat/use-chat.ts';
import { PendingItem } from '../channel/MessageItem.tsx';
import { outboxChannelIds } from '../session/offline-stores.ts';
import '../styles/undelivered.css';

/**
 * Messages in the outbox for a channel the user can no longer open: deleted, or the user was
 * removed, while they were offline. The SDK marks them failed with the server's reason; this
 * panel is where they stay visible (never silently dropped) until discarded.
 */
export function UndeliveredMessages() {
  const { client, me } = useChatContext();
  const channels = useChannels();
  const state = useConnectionState();
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client]);
  const getVersion = useCallback(() => client.getVersion(), [client]);
  useSyncExternalStore(subscribe, getVersion);

  const joined = useMemo(
    () =>
      channels
        .filter((c) => c.joined)
        .map((c) => c.id)
        .sort()
        .join('\n'),
    [channels],
  );
  const [orphans, setOrphans] = useState<string[]>([]);
  // The channel list changing (a hello after reconnect) is when a channel can vanish.
  useEffect(() => {
    let live = true;
    const open = new Set(joined.split('\n'));
    void outboxChannelIds(me.id).then((ids) => {
      if (live) setOrphans(ids.filter((id) => !open.has(id)));
    });
    return () => {
      live = false;
    };
  }, [joined, state, me.id]);

  const entries: PendingMessage[] = orphans.flatMap((id) => [...client.pending(id)]);
  const retry = useCallback((id: string) => void client.retry(id).catch(() => undefined), [client]);
  const discard = useCallback((id: string) => void client.discard(id).catch(() => undefined), [client]);
  if (entries.length === 0) return null;
  return (
    <section className="undelivered" aria-label="Undelivered messages">
      <p className="undelivered-title">
        Written for a channel you can no longer post in:{' '}
        {entries.length === 1 ? 'this message was' : 'these messages were'} not delivered.
      </p>
      {entries.map((p) => (
        <PendingItem
          key={p.clientMsgId}
          pending={p}
          grouped={false}
          authorName={me.username}
          onRetry={retry}
          onDiscard={discard}
        />
      ))}
    </section>
  );
}
