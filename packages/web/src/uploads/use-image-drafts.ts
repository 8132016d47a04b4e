import { useSyncExternalStore } from 'react';
import { imageDraftsFor } from './image-drafts.ts';
import type { ImageDraft, ImageDrafts } from './image-drafts.ts';

/** The composer's image tray for a channel, and its current drafts. */
export function useImageDrafts(channelId: string): { tray: ImageDrafts; drafts: readonly ImageDraft[] } {
  const tray = imageDraftsFor(channelId);
  const drafts = useSyncExternalStore(tray.subscribe, tray.getSnapshot);
  return { tray, drafts };
}
