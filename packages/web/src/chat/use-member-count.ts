import { useEffect, useState } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { useClient } from './use-chat.ts';

/**
 * The open channel's member count, kept live: when someone joins or leaves, the member list is
 * fetched again (the server is the authority), so the header never drifts from the truth.
 */
export function useMemberCount(channel: Channel): number {
  const client = useClient();
  const [fetched, setFetched] = useState<{ channelId: string; count: number } | null>(null);

  useEffect(() => {
    let live = true;
    const refresh = () => {
      client.request('channel.members', { channelId: channel.id }).then(
        (r) => live && setFetched({ channelId: channel.id, count: r.members.length }),
        () => undefined,
      );
    };
    const stop = client.on('event', (event) => {
      if ((event.type === 'member.joined' || event.type === 'member.left') && event.channelId === channel.id)
        refresh();
    });
    return () => {
      live = false;
      stop();
    };
  }, [client, channel.id]);

  return fetched?.channelId === channel.id ? fetched.count : channel.memberCount;
}
