import type { ImageDraft } from '../uploads/image-drafts.ts';
import { Icon } from '../components/Icon.tsx';
import '../styles/images.css';

/** Previews of the images about to be sent, each with its upload progress and a remove button. */
export function ComposerImages({
  drafts,
  onRemove,
}: {
  drafts: readonly ImageDraft[];
  onRemove: (key: string) => void;
}) {
  if (drafts.length === 0) return null;
  return (
    <ul className="composer-images" aria-label="Images to send">
      {drafts.map((d) => (
        <li key={d.key} className={`composer-image composer-image-${d.status}`} aria-label={d.name}>
          <img src={d.previewUrl} alt="" />
          {d.status === 'uploading' ? (
            <progress
              className="composer-image-progress"
              aria-label={`Uploading ${d.name}`}
              max={1}
              value={d.progress}
            />
          ) : null}
          {d.status === 'failed' && d.offline ? (
            <span className="composer-image-waiting" title="It will upload when the connection is back">
              <Icon name="wifiOff" size={14} /> Offline
            </span>
          ) : d.status === 'failed' ? (
            <span className="composer-image-error" role="alert" title={d.error ?? undefined}>
              <Icon name="alert" size={14} /> {d.error}
            </span>
          ) : null}
          <button
            type="button"
            className="composer-image-remove"
            aria-label={d.status === 'uploading' ? `Cancel upload of ${d.name}` : `Remove ${d.name}`}
            title={d.status === 'uploading' ? 'Cancel upload' : 'Remove'}
            onClick={() => onRemove(d.key)}
          >
            <Icon name="close" size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
