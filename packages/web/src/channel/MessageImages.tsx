import { useState } from 'react';
import { fileUrl } from '@segmentchat/protocol';
import type { Attachment } from '@segmentchat/protocol';
import { thumbnailBox, thumbnailSize } from '../uploads/thumbnail-size.ts';
import { ImageLightbox } from './ImageLightbox.tsx';
import '../styles/images.css';

/**
 * A message's images as thumbnails, each sized from the attachment's width and height before it
 * loads (no jump in the message list). A click opens the lightbox.
 */
export function MessageImages({ images, author }: { images: readonly Attachment[]; author: string }) {
  const [open, setOpen] = useState<number | null>(null);
  if (images.length === 0) return null;
  const box = thumbnailBox(images.length);
  return (
    <div className="msg-images">
      {images.map((a, i) => {
        const size = thumbnailSize(a.width, a.height, box);
        return (
          <button
            key={`${a.id}-${i}`}
            type="button"
            className="msg-image"
            style={{ width: size.width, height: size.height }}
            aria-label={images.length > 1 ? `Open image ${i + 1} of ${images.length}` : 'Open image'}
            onClick={() => setOpen(i)}
          >
            <img
              src={fileUrl(a.id, { thumb: true })}
              width={size.width}
              height={size.height}
              alt={`Image from ${author}`}
              loading="lazy"
              decoding="async"
              draggable={false}
            />
          </button>
        );
      })}
      {open !== null ? (
        <ImageLightbox images={images} start={open} author={author} onClose={() => setOpen(null)} />
      ) : null}
    </div>
  );
}
