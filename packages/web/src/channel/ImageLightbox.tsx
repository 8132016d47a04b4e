import { useEffect, useRef, useState } from 'react';
import { fileUrl } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';

/**
 * The full image over the page, on the native modal <dialog>: the browser traps focus and
 * closes it with Escape; focus goes back to the thumbnail that opened it. Arrow keys step
 * through the message's images.
 */
export function ImageLightbox({
  images,
  start,
  author,
  onClose,
}: {
  images: readonly Attachment[];
  start: number;
  author: string;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [index, setIndex] = useState(start);
  const image = images[index] ?? images[0]!;
  const many = images.length > 1;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);

  const step = (by: number) => setIndex((i) => (i + by + images.length) % images.length);

  return (
    <dialog
      ref={ref}
      className="lightbox"
      aria-label={many ? `Image ${index + 1} of ${images.length} from ${author}` : `Image from ${author}`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onKeyDown={(e) => {
        if (!many) return;
        if (e.key === 'ArrowRight') step(1);
        else if (e.key === 'ArrowLeft') step(-1);
      }}
      onMouseDown={(e) => {
        if (e.target === ref.current) onClose();
      }}
    >
      <img
        className="lightbox-image"
        src={fileUrl(image.id)}
        width={image.width}
        height={image.height}
        alt={`Image from ${author}, ${image.width} by ${image.height} pixels`}
      />
      <div className="lightbox-bar">
        {many ? (
          <>
            <button
              type="button"
              className="lightbox-btn"
              aria-label="Previous image"
              onClick={() => step(-1)}
            >
              <Icon name="chevronLeft" />
            </button>
            <span className="lightbox-count">
              {index + 1} / {images.length}
            </span>
            <button type="button" className="lightbox-btn" aria-label="Next image" onClick={() => step(1)}>
              <Icon name="chevronRight" />
            </button>
          </>
        ) : null}
        <a
          className="lightbox-btn lightbox-link"
          href={fileUrl(image.id)}
          target="_blank"
          rel="noreferrer noopener"
        >
          Open original
        </a>
        <button type="button" className="lightbox-btn" aria-label="Close image" onClick={onClose} autoFocus>
          <Icon name="close" />
        </button>
      </div>
    </dialog>
  );
}
