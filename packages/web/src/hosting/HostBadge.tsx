import type { Channel } from '@segmentchat/protocol';
import { useHostInfo } from '../dm/use-peers.ts';
import '../dm/peer.css';

const ROLE_TEXT = { host: 'you host', linked: 'you are linked', server: 'you use the server' } as const;

/** In a hosted channel's header: who hosts, how many members are linked, and how we connect. */
export function HostBadge({ channel }: { channel: Channel }) {
  const info = useHostInfo(channel.id);
  if (!info) return null;
  const name = info.role === 'host' ? 'you' : info.hostName || 'the owner';
  return (
    <span
      role="status"
      aria-label="Hosting"
      className={`host-badge host-badge-${info.role}`}
      title={`Messages here travel through ${name}'s device while it is online; the server keeps the record.`}
    >
      Hosted by {name} · {info.linked} linked · {ROLE_TEXT[info.role]}
    </span>
  );
}
