import type { Presence } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { usePeople } from './use-people.ts';
import { useChatContext } from '../chat/chat-context.ts';
import { MessageButton } from '../dm/MessageButton.tsx';
import { byPresence } from '../chat/presence-order.ts';
import { useChannels } from '../chat/use-chat.ts';

const STATUS_TEXT: Record<Presence['status'], string> = {
  online: 'online',
  away: 'away',
  offline: 'offline',
};
/** Beyond this, offline people are summarized; the online ones are always listed. */
const OFFLINE_SHOWN = 8;

export function PeopleList() {
  const { me } = useChatContext();
  // Presence is pushed only within small channels: in a large one, nobody listed here does not
  // mean nobody is there.
  const sharesAChannel = useChannels().some((c) => c.joined && c.memberCount > 1);
  const people = usePeople()
    .filter((p) => p.userId !== me.id)
    .sort(byPresence);
  const active = people.filter((p) => p.status !== 'offline');
  const offline = people.filter((p) => p.status === 'offline');
  const shownOffline = offline.slice(0, OFFLINE_SHOWN);

  return (
    <section className="sidebar-section" aria-labelledby="people-heading">
      <div className="section-header">
        <h2 className="section-title" id="people-heading">
          People
        </h2>
        {/* "0 online" beside someone online in a large channel would be untrue: said only when some are. */}
        {active.length > 0 ? <span className="section-count">{active.length} online</span> : null}
      </div>
      <ul className="people-list" aria-label="People">
        {[...active, ...shownOffline].map((p) => (
          <li
            key={p.userId}
            className={`person${p.status === 'offline' ? ' person-offline' : ''}`}
            aria-label={`${p.username}, ${STATUS_TEXT[p.status]}`}
          >
            <Avatar name={p.username} size={22} status={p.status} />
            <span className="person-name" aria-hidden="true">
              {p.username}
            </span>
            {me.role !== 'visitor' ? <MessageButton person={p} /> : null}
          </li>
        ))}
      </ul>
      {people.length === 0 ? (
        <p className="sidebar-empty">
          {sharesAChannel ? 'A channel’s member list shows who is there.' : 'No one else is here yet.'}
        </p>
      ) : null}
      {offline.length > shownOffline.length ? (
        <p className="sidebar-empty">and {offline.length - shownOffline.length} more offline</p>
      ) : null}
    </section>
  );
}
