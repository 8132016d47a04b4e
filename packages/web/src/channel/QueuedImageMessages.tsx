import type { QueuedImageMessage } from '../uploads/image-outbox.ts';
import { Icon } from '../components/Icon.tsx';
import '../styles/images.css';

/**
 * Messages with images written while offline, waiting in the image outbox: they upload and go
 * out by themselves when the connection is back. A refused one says why and can be discarded.
 */
export function QueuedImageMessages({
  queued,
  onDiscard,
}: {
  queued: readonly QueuedImageMessage[];
  onDiscard: (clientMsgId: string) => void;
}) {
  if (queued.length === 0) return null;
  return (
    <ul className="queued-images" aria-label="Waiting to send">
      {queued.map((q) => {
        const count = q.images.length === 1 ? '1 image' : `${q.images.length} images`;
        return (
          <li key={q.clientMsgId} className={q.error ? 'queued-image queued-image-failed' : 'queued-image'}>
            <Icon name={q.error ? 'alert' : 'clock'} size={14} />
            <span className="queued-image-text">
              {q.text ? `“${q.text}” with ${count}` : count}
              {' · '}
              {q.error ? `Not sent: ${q.error}` : 'waiting for the connection'}
            </span>
            <button
              type="button"
              className="link-btn link-btn-muted"
              onClick={() => onDiscard(q.clientMsgId)}
            >
              Discard
            </button>
          </li>
        );
      })}
    </ul>
  );
}
