import { useRef } from 'react';
import type { Presence } from '@segmentchat/protocol';
import { usePresenceOf } from '../chat/use-chat.ts';

/**
 * Presence of these users as last known while mounted. In a large channel only the rows in view
 * are watched, and the client forgets a row once it scrolls away; sorted as unknown (offline),
 * that row could move back into view, be watched again, turn online, move away again, and so
 * on. Remembered, a row moves only when its status really changes.
 */
export function useLastKnownPresence(userIds: readonly string[]): ReadonlyMap<string, Presence> {
  const live = usePresenceOf(userIds);
  const known = useRef(new Map<string, Presence>()).current;
  // Written during render, but only ever with what the client knows now, so a render React
  // throws away leaves nothing untrue behind.
  for (const [id, p] of live) known.set(id, p);
  return known;
}
