import { useEffect, useState } from 'react';
import type { Member, Presence } from '@segmentchat/protocol';
import { useChatContext } from '../chat/chat-context.ts';
import { errorText } from '../chat/error-text.ts';
import { cachedMembers, saveMembers } from '../session/offline-stores.ts';
import { applyMemberChanges, memberListChange, type MemberListChange } from './member-list-change.ts';

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
 *
 * The list is asked for once when it opens and again after each reconnect (events may have been
 * missed meanwhile); joins and leaves in between are applied to it as their events arrive. Asking
 * again on every join would cost a channel of n members n requests of n members each when a
 * class walks in at once.
 */
export function useChannelMembers(channelId: string): ChannelMembers {
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
    // While a request is out, the changes heard since it went: they are applied to its answer.
    let sinceRequest: MemberListChange[] | null = null;
    // Changes not rendered yet: a burst of joins renders once per frame, not once per join.
    let unrendered: MemberListChange[] = [];
    let frame = 0;
    const render = () => {
      frame = 0;
      const changes = unrendered;
      unrendered = [];
      setState((s) => (s.members ? { ...s, members: applyMemberChanges(s.members, changes) } : s));
    };
    const fetchList = () => {
      if (sinceRequest) return; // the one out is answered after the reconnect, fresh
      sinceRequest = [];
      client.request('channel.members', { channelId }).then(
        (r) => {
          fresh = true;
          const members = applyMemberChanges(r.members, sinceRequest ?? []);
          sinceRequest = null;
          saveMembers(me.id, channelId, members);
          if (live) setState({ members, presence: r.presence, error: null, stale: false });
        },
        async (err: unknown) => {
          sinceRequest = null;
          const cached = await cachedMembers(me.id, channelId);
          if (!live) return;
          setState(
            cached
              ? { members: cached, presence: [], error: null, stale: true }
              : { members: null, presence: [], error: errorText(err), stale: false },
          );
        },
      );
    };
    // Not connected: a request would wait for the connection, so show the list last seen now
    // (the request still runs and replaces it once the connection is back).
    if (client.state !== 'online') {
      void cachedMembers(me.id, channelId).then((cached) => {
        if (live && !fresh && cached) setState({ members: cached, presence: [], error: null, stale: true });
      });
    }
    fetchList();
    const stopEvents = client.on('event', (event) => {
      const change = memberListChange(event, channelId);
      if (!change) return;
      sinceRequest?.push(change);
      unrendered.push(change);
      frame ||= requestAnimationFrame(render);
    });
    let wasOnline = client.state === 'online';
    const stopState = client.on('state', (s) => {
      if (s === 'online' && !wasOnline) fetchList();
      wasOnline = s === 'online';
    });
    return () => {
      live = false;
      cancelAnimationFrame(frame);
      stopEvents();
      stopState();
    };
  }, [client, me.id, channelId]);
  return state;
}
