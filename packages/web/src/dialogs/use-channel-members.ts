import { useEffect, useState } from 'react';
import type { Member, Presence } from '@segmentchat/protocol';
import { useChatContext } from '../chat/chat-context.ts';
import { errorText } from '../chat/error-text.ts';
import { cachedMembers, saveMembers } from '../session/offline-stores.ts';

export interface ChannelMembers {
  members: Member[] | null;
  /** Who of them was online or away when the list came (empty for a list last seen offline). */
  presence: readonly Presence[];
  error: string | null;
  /** True when the list is the one last seen online (the server could not be asked). */
  stale: boolean;
}

/**
 * A channel's members from the server, remembered in IndexedDB; when the server cannot be
 * reached (offline), the list last seen, marked stale, instead of an error.
 */
export function useChannelMembers(channelId: string, memberCount: number): ChannelMembers {
  const { client, me } = useChatContext();
  const [state, setState] = useState<ChannelMembers>({
    members: null,
    presence: [],
    error: null,
    stale: false,
  });
  useEffect(() => {
    let live = true;
    let fresh = false;
    // Not connected: a request would wait for the connection, so show the list last seen now
    // (the request still runs and replaces it once the connection is back).
    if (client.state !== 'online') {
      void cachedMembers(me.id, channelId).then((cached) => {
        if (live && !fresh && cached) setState({ members: cached, presence: [], error: null, stale: true });
      });
    }
    client.request('channel.members', { channelId }).then(
      (r) => {
        fresh = true;
        saveMembers(me.id, channelId, r.members);
        if (live) setState({ members: r.members, presence: r.presence, error: null, stale: false });
      },
      async (err: unknown) => {
        const cached = await cachedMembers(me.id, channelId);
        if (!live) return;
        setState(
          cached
            ? { members: cached, presence: [], error: null, stale: true }
            : { members: null, presence: [], error: errorText(err), stale: false },
        );
      },
    );
    return () => {
      live = false;
    };
  }, [client, me.id, channelId, memberCount]);
  return state;
}
