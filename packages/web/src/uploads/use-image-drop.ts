import { useState, type ClipboardEvent, type DragEvent } from 'react';
import type { ImageDrafts } from './image-drafts.ts';
import { imageFiles } from './image-drafts.ts';

/**
 * Paste and drag-and-drop of images into the composer. Text pastes and drags go on as usual;
 * only image files are taken, into the tray. `dropping` is true while files hover over it.
 */
export function useImageDrop(tray: ImageDrafts, onProblem: (text: string) => void, enabled: boolean) {
  const [dropping, setDropping] = useState(false);
  const hasFiles = (e: DragEvent) => enabled && e.dataTransfer.types.includes('Files');
  const take = (files: File[]) => {
    for (const p of tray.add(files)) onProblem(p);
  };
  return {
    dropping,
    onPaste: (e: ClipboardEvent) => {
      if (!enabled) return;
      const files = imageFiles(e.clipboardData);
      if (files.length === 0) return;
      e.preventDefault();
      take(files);
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      setDropping(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (e.currentTarget.contains(e.relatedTarget as Node | null)) return;
      setDropping(false);
    },
    onDrop: (e: DragEvent) => {
      setDropping(false);
      if (!hasFiles(e)) return;
      e.preventDefault();
      take(imageFiles(e.dataTransfer));
    },
  };
}
