import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Channel, Message } from '@segmentchat/protocol';
import { VirtualList, type VirtualListHandle } from '../virtual/VirtualList.tsx';
import { useClient, useMessages, usePending } from '../chat/use-chat.ts';
import { useChatContext } from '../chat/chat-context.ts';
import { buildRows, type Row } from './build-rows.ts';
import { MessageItem, PendingItem, type MessageActions } from './MessageItem.tsx';
import { formatDay } from '../chat/format-time.ts';
import { Icon } from '../components/Icon.tsx';
import { Dialog } from '../components/Dialog.tsx';
import { errorText } from '../chat/error-text.ts';
import { stripBidiControls } from '../text/parse-rich-text.ts';

// Estimates before a row is measured; close estimates keep the scrollbar steady.
const ESTIMATE: Record<Row['kind'], number> = { day: 44, unread: 28, message: 64, pending: 84 };
function estimate(row: Row): number {
  if (row.kind === 'message' && row.grouped) return 28;
  return ESTIMATE[row.kind];
}
const rowKey = (row: Row) => row.key;

export function MessageList({
  channel,
  unreadAfterSeq,
  scrollRef,
  onAtBottomChange,
  onToast,
  editingId,
  setEditingId,
}: {
  editingId: string | null;
  setEditingId: (id: string | null) => void;
  channel: Channel;
  unreadAfterSeq: number | null;
  scrollRef: React.RefObject<VirtualListHandle | null>;
  onAtBottomChange: (atBottom: boolean) => void;
  onToast: (text: string) => void;
}) {
  const client = useClient();
  const { me } = useChatContext();
  const messages = useMessages(channel.id);
  const pending = usePending(channel.id);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState<Message | null>(null);
  const loadingRef = useRef(false);

  const rows = useMemo(
    () => buildRows(messages, pending, { unreadAfterSeq, myId: me.id, myName: me.username }),
    [messages, pending, unreadAfterSeq, me.id, me.username],
  );

  const loadOlder = useCallback(() => {
    if (loadingRef.current || !hasMore) return;
    loadingRef.current = true;
    setLoading(true);
    client.loadOlder(channel.id).then(
      (more) => {
        loadingRef.current = false;
        setLoading(false);
        setHasMore(more);
      },
      (err: unknown) => {
        loadingRef.current = false;
        setLoading(false);
        onToast(`Couldn’t load older messages: ${errorText(err)}`);
      },
    );
  }, [client, channel.id, hasMore, onToast]);

  // A fresh channel shows its newest page at once; older pages load as the user scrolls up.
  const firstSeq = messages[0]?.seq ?? null;
  useEffect(() => {
    if (firstSeq === 1) setHasMore(false);
    else if (messages.length < 30 && hasMore) loadOlder();
  }, [firstSeq, messages.length, hasMore, loadOlder]);

  const actions: MessageActions = useMemo(
    () => ({
      onEdit: async (message, text) => {
        try {
          await client.request('message.edit', { messageId: message.id, text });
        } catch (err) {
          throw new Error(errorText(err));
        }
      },
      onDelete: (message) => setConfirmDelete(message),
    }),
    [client],
  );
  const stopEdit = useCallback(() => setEditingId(null), [setEditingId]);
  const retry = useCallback((id: string) => void client.retry(id), [client]);
  const discard = useCallback((id: string) => void client.discard(id), [client]);

  const renderRow = useCallback(
    (row: Row) => {
      switch (row.kind) {
        case 'day':
          return (
            <div className="day-divider" role="separator" aria-label={formatDay(row.at)}>
              <span>{formatDay(row.at)}</span>
            </div>
          );
        case 'unread':
          return (
            <div className="unread-divider" role="separator" aria-label="New messages">
              <span>New messages</span>
            </div>
          );
        case 'message':
          return (
            <MessageItem
              message={row.message}
              grouped={row.grouped}
              mine={row.message.authorId === me.id}
              editing={editingId === row.message.id}
              onStartEdit={setEditingId}
              onStopEdit={stopEdit}
              actions={actions}
            />
          );
        case 'pending':
          return (
            <PendingItem
              pending={row.pending}
              grouped={row.grouped}
              authorName={row.authorName}
              onRetry={retry}
              onDiscard={discard}
            />
          );
      }
    },
    [me.id, editingId, setEditingId, stopEdit, actions, retry, discard],
  );

  const header = hasMore ? (
    <div className="history-loading" aria-live="polite">
      {loading ? 'Loading older messages…' : ''}
    </div>
  ) : (
    <div className="channel-intro">
      <div className="channel-intro-icon" aria-hidden="true">
        <Icon name={channel.visibility === 'private' ? 'lock' : 'hash'} size={28} />
      </div>
      <h2 className="channel-intro-title">
        Welcome to {channel.kind === 'dm' ? channel.name : `#${channel.name}`}
      </h2>
      <p className="channel-intro-text">
        This is the very beginning of{' '}
        {channel.kind === 'dm' ? 'your conversation.' : `the ${channel.name} channel.`}
      </p>
      {channel.description ? (
        <p className="channel-intro-text channel-intro-description" dir="auto">
          {stripBidiControls(channel.description)}
        </p>
      ) : null}
    </div>
  );

  return (
    <>
      <VirtualList
        items={rows}
        getKey={rowKey}
        estimateHeight={estimate}
        renderItem={renderRow}
        onNearTop={loadOlder}
        onAtBottomChange={onAtBottomChange}
        handleRef={scrollRef}
        label={`Messages in ${channel.name}`}
        className="message-list"
        header={header}
      />
      {confirmDelete ? (
        <Dialog
          title="Delete message?"
          description="This removes the message for everyone. It can’t be undone."
          onClose={() => setConfirmDelete(null)}
          size="sm"
        >
          <blockquote className="quote">{stripBidiControls(confirmDelete.text)}</blockquote>
          <div className="dialog-actions">
            <button type="button" className="btn btn-secondary" onClick={() => setConfirmDelete(null)}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              autoFocus
              onClick={() => {
                const m = confirmDelete;
                setConfirmDelete(null);
                client.request('message.delete', { messageId: m.id }).catch((err: unknown) => {
                  onToast(`Couldn’t delete the message: ${errorText(err)}`);
                });
              }}
            >
              Delete
            </button>
          </div>
        </Dialog>
      ) : null}
    </>
  );
}
