import type { ChatClient } from '@segmentchat/client';
import type { ImageDrafts } from './image-drafts.ts';
import type { ImageOutbox } from './image-outbox.ts';

export type SendOutcome = { problem: string } | { sent: Promise<unknown> };

/**
 * Sends what the composer holds: the text, with the tray's images as attachments.
 * - Online with every image uploaded: to the SDK's outbox at once, like any message.
 * - Offline, or an image could not reach the server: the whole message, image bytes included,
 *   goes to the image outbox, which uploads and sends it on reconnect.
 * - Otherwise (still uploading, or an image refused for good) it says why it cannot go yet.
 */
export function sendComposed(
  client: ChatClient,
  outbox: ImageOutbox,
  tray: ImageDrafts,
  channelId: string,
  text: string,
): SendOutcome {
  const hasImages = tray.getSnapshot().length > 0;
  if (tray.failed) return { problem: 'Remove the images that failed to upload.' };
  if (hasImages && (client.state !== 'online' || tray.waitingForNetwork)) {
    const images = tray.takeAll();
    const sent = outbox.enqueue(channelId, text, images).then(() => {
      if (client.state === 'online') void outbox.flush().catch(() => {});
    });
    return { sent };
  }
  if (tray.uploading) return { problem: 'Images are still uploading.' };
  const attachments = hasImages ? tray.take() : [];
  // The SDK shows the message as pending at once and keeps it in its outbox until acked.
  return { sent: client.sendMessage(channelId, text, attachments) };
}
