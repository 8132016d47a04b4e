import type { Presence } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { usePeople } from './use-people.ts';
import { useChatContext } from '../chat/chat-context.ts';
import { MessageButton } from '../dm/MessageButton.tsx';

const ORDER: Record<Presence['status'], number> = { online: 0, away: 1, offline: 2 };
const STATUS_TEXT: Record<Presence['status'], string> = {
  online: 'online',
  away: 'away',
  offline: 'offline',
};
/** Beyond this, offline people are summarized; the online ones are always listed. */
const OFFLINE_SHOWN = 8;

export function PeopleList() {
  const { me } = useChatContext();
  const people = usePeople()
    .filter((p) => p.userId !== me.id)
    .sort((a, b) => ORDER[a.status] - ORDER[b.status] || a.username.localeCompare(b.username));
  const active = people.filter((p) => p.status !== 'offline');
  const offline = people.filter((p) => p.status === 'offline');
  const shownOffline = offline.slice(0, OFFLINE_SHOWN);

  return (
    <section className="sidebar-section" aria-labelledby="people-heading">
      <div className="section-header">
        <h2 className="section-title" id="people-heading">
          People
        </h2>
        <span className="section-count">{active.length} online</span>
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
      {people.length === 0 ? <p className="sidebar-empty">No one else is here yet.</p> : null}
      {offline.length > shownOffline.length ? (
        <p className="sidebar-empty">and {offline.length - shownOffline.length} more offline</p>
      ) : null}
    </section>
  );
}
