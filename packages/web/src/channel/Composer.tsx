import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Limits, type Channel } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { useClient } from '../chat/use-chat.ts';
import { errorText } from '../chat/error-text.ts';
import { useChatContext } from '../chat/chat-context.ts';
import { useImageDrafts } from '../uploads/use-image-drafts.ts';
import { useImageDrop } from '../uploads/use-image-drop.ts';
import { ComposerImages } from './ComposerImages.tsx';
import { ImageUploadButton } from './ImageUploadButton.tsx';
import { QueuedImageMessages } from './QueuedImageMessages.tsx';
import { sendComposed } from '../uploads/send-composed.ts';
import { useImageOutbox } from '../uploads/use-image-outbox.ts';

/** Show the remaining-characters counter once this close to the limit. */
const COUNTER_FROM = Limits.MESSAGE_TEXT_MAX - 500;

const drafts = new Map<string, string>();

export function Composer({
  channel,
  onSent,
  onEditLast,
  onToast,
}: {
  channel: Channel;
  onSent: () => void;
  onEditLast: () => boolean;
  onToast: (text: string) => void;
}) {
  const client = useClient();
  const [text, setText] = useState(() => drafts.get(channel.id) ?? '');
  const ref = useRef<HTMLTextAreaElement>(null);
  const label = channel.kind === 'dm' ? `Message ${channel.name}` : `Message #${channel.name}`;
  // Images wait in a tray (uploading at once) and go out with the text as their caption.
  const { tray, drafts: images } = useImageDrafts(channel.id);
  const { me } = useChatContext();
  const drop = useImageDrop(tray, onToast, me.role !== 'visitor');
  const { outbox, queued } = useImageOutbox(client, me.id, channel.id);

  // Grow with the text up to a cap (CSS max-height), like every modern chat composer.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [text]);

  function update(value: string) {
    setText(value);
    drafts.set(channel.id, value);
    // The SDK throttles typing notices (one per 3 s), so every keystroke may call it.
    if (value) client.notifyTyping(channel.id);
  }

  function send() {
    const body = text.trim();
    if (!body && images.length === 0) return;
    if (body.length > Limits.MESSAGE_TEXT_MAX) {
      onToast(`Messages can be at most ${Limits.MESSAGE_TEXT_MAX.toLocaleString()} characters.`);
      return;
    }
    // Straight to the SDK's outbox, or (offline, with images) to the image outbox.
    const outcome = sendComposed(client, outbox, tray, channel.id, body);
    if ('problem' in outcome) return onToast(outcome.problem);
    update('');
    outcome.sent.catch((err: unknown) => onToast(errorText(err)));
    onSent();
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      send();
    } else if (e.key === 'ArrowUp' && text === '' && onEditLast()) {
      e.preventDefault();
    }
  }

  const remaining = Limits.MESSAGE_TEXT_MAX - text.length;
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <QueuedImageMessages queued={queued} onDiscard={(id) => void outbox.discard(id)} />
      <ComposerImages drafts={images} onRemove={(key) => tray.remove(key)} />
      <div
        className={drop.dropping ? 'composer-box composer-box-drop' : 'composer-box'}
        onDragOver={drop.onDragOver}
        onDragLeave={drop.onDragLeave}
        onDrop={drop.onDrop}
      >
        <ImageUploadButton tray={tray} onProblem={onToast} />
        <textarea
          ref={ref}
          className="composer-input"
          aria-label={label}
          placeholder={label}
          rows={1}
          value={text}
          maxLength={Limits.MESSAGE_TEXT_MAX}
          onChange={(e) => update(e.target.value)}
          onKeyDown={onKeyDown}
          onPaste={drop.onPaste}
          data-channel={channel.id}
        />
        <div className="composer-tools">
          {text.length > COUNTER_FROM ? (
            <span className={remaining < 0 ? 'composer-count composer-count-over' : 'composer-count'}>
              {remaining}
            </span>
          ) : null}
          <button
            type="submit"
            className="send-btn"
            aria-label="Send message"
            disabled={
              (text.trim() === '' && images.length === 0) || (tray.uploading && client.state === 'online')
            }
          >
            <Icon name="send" size={18} />
          </button>
        </div>
      </div>
      <p className="composer-hint" aria-hidden="true">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line · <b>*bold*</b>{' '}
        <i>_italic_</i> <code>`code`</code>
      </p>
    </form>
  );
}
