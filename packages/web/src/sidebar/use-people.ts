import { useEffect, useMemo, useRef, useState } from 'react';
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

  // Throttled, not debounced: presence can change more often than every SAVE_EVERY_MS for a
  // long time (people arriving), and the list must still be saved meanwhile.
  // A save still waiting when the connection drops is done at once: going offline is exactly
  // when the list will be needed.
  const lastSave = useRef(0);
  const unsaved = useRef<readonly Presence[] | null>(null);
  useEffect(() => {
    if (state !== 'online') {
      if (unsaved.current) savePresence(me.id, unsaved.current);
      unsaved.current = null;
      return;
    }
    if (live.length === 0) return;
    unsaved.current = live;
    const wait = Math.max(0, lastSave.current + SAVE_EVERY_MS - Date.now());
    const timer = setTimeout(() => {
      lastSave.current = Date.now();
      unsaved.current = null;
      savePresence(me.id, live);
    }, wait);
    return () => clearTimeout(timer);
  }, [state, live, me.id]);

  return useMemo(() => (live.length > 0 ? live : remembered), [live, remembered]);
}
