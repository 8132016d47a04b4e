import { memo, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { PendingMessage } from '@segmentchat/client';
import { Limits, type Message } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { RichText } from '../text/RichText.tsx';
import { MessageImages } from './MessageImages.tsx';
import { stripBidiControls } from '../text/parse-rich-text.ts';
import { formatFull, formatTime } from '../chat/format-time.ts';

function plain(text: string): string {
  return stripBidiControls(text);
}

export interface MessageActions {
  onEdit: (message: Message, text: string) => Promise<void>;
  onDelete: (message: Message) => void;
}

/** A stored message. Own messages get Edit and Delete; editing happens in place. */
export const MessageItem = memo(function MessageItem({
  message,
  grouped,
  mine,
  editing,
  onStartEdit,
  onStopEdit,
  actions,
}: {
  message: Message;
  grouped: boolean;
  mine: boolean;
  editing: boolean;
  onStartEdit: (id: string) => void;
  onStopEdit: () => void;
  actions: MessageActions;
}) {
  const time = formatTime(message.createdAt);
  const author = plain(message.authorName) || 'deleted user';
  const body = message.deleted ? 'This message was deleted.' : plain(message.text);
  const images = message.deleted ? [] : message.attachments;
  const imageNote =
    images.length === 0 ? '' : images.length === 1 ? ' (1 image)' : ` (${images.length} images)`;
  const label = `${author}, ${time}: ${body}${imageNote}${message.editedAt && !message.deleted ? ' (edited)' : ''}`;

  if (message.kind === 'system') {
    return (
      <article className="msg msg-system" aria-label={`${time}: ${body}`}>
        <span className="msg-system-text">{body}</span>
        <time className="msg-time-inline" dateTime={new Date(message.createdAt).toISOString()}>
          {time}
        </time>
      </article>
    );
  }

  return (
    <article
      className={`msg${grouped ? ' msg-grouped' : ''}${editing ? ' msg-editing' : ''}`}
      aria-label={label}
      // Focusable by tap or click, so touch screens (no hover) can reveal Edit and Delete.
      tabIndex={-1}
    >
      <div className="msg-gutter">
        {grouped ? (
          <time
            className="msg-time-hover"
            dateTime={new Date(message.createdAt).toISOString()}
            title={formatFull(message.createdAt)}
          >
            {time}
          </time>
        ) : (
          <Avatar name={author} size={36} />
        )}
      </div>
      <div className="msg-main">
        {!grouped ? (
          <div className="msg-head">
            <span className="msg-author" dir="auto">
              {author}
            </span>
            <time
              className="msg-time"
              dateTime={new Date(message.createdAt).toISOString()}
              title={formatFull(message.createdAt)}
            >
              {time}
            </time>
          </div>
        ) : null}
        {editing ? (
          <EditBox
            initial={message.text}
            onCancel={onStopEdit}
            onSave={async (text) => {
              await actions.onEdit(message, text);
              onStopEdit();
            }}
          />
        ) : message.deleted ? (
          <p className="msg-text msg-deleted">This message was deleted.</p>
        ) : message.text === '' && images.length > 0 ? null : (
          <p className="msg-text" dir="auto">
            <RichText text={message.text} />
            {message.editedAt ? <span className="msg-edited"> (edited)</span> : null}
          </p>
        )}
        {!editing && images.length > 0 ? <MessageImages images={images} author={author} /> : null}
      </div>
      {mine && !message.deleted && !editing ? (
        <div className="msg-actions" role="toolbar" aria-label="Message actions">
          <button
            type="button"
            className="icon-btn icon-btn-sm"
            aria-label="Edit message"
            title="Edit"
            onClick={() => onStartEdit(message.id)}
          >
            <Icon name="edit" size={16} />
          </button>
          <button
            type="button"
            className="icon-btn icon-btn-sm icon-btn-danger"
            aria-label="Delete message"
            title="Delete"
            onClick={() => actions.onDelete(message)}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      ) : null}
    </article>
  );
});

function EditBox({
  initial,
  onSave,
  onCancel,
}: {
  initial: string;
  onSave: (text: string) => Promise<void>;
  onCancel: () => void;
}) {
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.focus();
    el.setSelectionRange(el.value.length, el.value.length);
  }, []);

  async function save() {
    const t = text.trim();
    if (!t) return setError('A message can’t be empty. Delete it instead.');
    if (t === initial) return onCancel();
    try {
      await onSave(t);
    } catch (err) {
      setError(err instanceof Error ? err.message : 'Couldn’t save the edit.');
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onCancel();
    }
  }

  return (
    <div className="edit-box">
      <textarea
        ref={ref}
        className="edit-input"
        aria-label="Edit message"
        value={text}
        maxLength={Limits.MESSAGE_TEXT_MAX}
        rows={Math.min(8, text.split('\n').length)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKey}
      />
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="edit-actions">
        <span className="edit-hint">Enter to save · Escape to cancel</span>
        <button type="button" className="btn btn-secondary btn-sm" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary btn-sm" onClick={() => void save()}>
          Save
        </button>
      </div>
    </div>
  );
}

/** A message not yet stored by the server: marked sending/pending, or failed with Retry. */
export const PendingItem = memo(function PendingItem({
  pending,
  grouped,
  authorName,
  onRetry,
  onDiscard,
}: {
  pending: PendingMessage;
  grouped: boolean;
  authorName: string;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
}) {
  const failed = pending.status === 'failed';
  const stateText = failed ? 'Failed to send' : pending.status === 'sending' ? 'Sending…' : 'Waiting to send';
  const time = formatTime(pending.createdAt);
  return (
    <article
      className={`msg msg-pending${failed ? ' msg-failed' : ''}${grouped ? ' msg-grouped' : ''}`}
      aria-label={`${authorName}, ${time}: ${plain(pending.text)} (${stateText})`}
    >
      <div className="msg-gutter">{grouped ? null : <Avatar name={authorName} size={36} />}</div>
      <div className="msg-main">
        {!grouped ? (
          <div className="msg-head">
            <span className="msg-author">{authorName}</span>
            <span className="msg-time">{time}</span>
          </div>
        ) : null}
        <p className="msg-text" dir="auto">
          <RichText text={pending.text} />
        </p>
        {pending.attachments.length > 0 ? (
          <p className="msg-text msg-pending-images">
            {pending.attachments.length === 1 ? '1 image' : `${pending.attachments.length} images`}
          </p>
        ) : null}
        <div className={failed ? 'msg-status msg-status-failed' : 'msg-status'}>
          <Icon name={failed ? 'alert' : 'clock'} size={14} />
          <span>
            {stateText}
            {failed && pending.error ? `: ${pending.error.message}` : ''}
          </span>
          {failed ? (
            <>
              <button type="button" className="link-btn" onClick={() => onRetry(pending.clientMsgId)}>
                Retry
              </button>
              <button
                type="button"
                className="link-btn link-btn-muted"
                onClick={() => onDiscard(pending.clientMsgId)}
              >
                Discard
              </button>
            </>
          ) : null}
        </div>
      </div>
    </article>
  );
});
