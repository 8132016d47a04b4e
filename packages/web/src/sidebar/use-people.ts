import { useEffect, useMemo, useState } from 'react';
import type { Presence } from '@segmentchat/protocol';
import { useChatContext } from '../chat/chat-context.ts';
import { useAllPresence, useConnectionState } from '../chat/use-chat.ts';
import { cachedPresence, savePresence } from '../session/offline-stores.ts';

/** Presence is saved at most this often while online (it changes with every arrival). */
const SAVE_EVERY_MS = 2_000;

/**
 * The people list: live presence while connected, remembered in IndexedDB; before the first
 * connection (opened offline) the people last seen, all shown as offline since nobody knows.
 */
export function usePeople(): readonly Presence[] {
  const { me } = useChatContext();
  const live = useAllPresence();
  const state = useConnectionState();
  const [remembered, setRemembered] = useState<readonly Presence[]>([]);

  useEffect(() => {
    let active = true;
    void cachedPresence(me.id).then((people) => {
      if (active) setRemembered(people.map((p) => ({ ...p, status: 'offline' as const })));
    });
    return () => {
      active = false;
    };
  }, [me.id]);

  useEffect(() => {
    if (state !== 'online' || live.length === 0) return;
    const timer = setTimeout(() => savePresence(me.id, live), SAVE_EVERY_MS);
    return () => clearTimeout(timer);
  }, [state, live, me.id]);

  return useMemo(() => (live.length > 0 ? live : remembered), [live, remembered]);
}
