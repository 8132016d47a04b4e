import { useCallback, useEffect, useRef, useState } from 'react';
import type { Channel } from '@segmentchat/protocol';
import { useClient, useMessages, usePending } from '../chat/use-chat.ts';
import { useChatContext } from '../chat/chat-context.ts';
import type { VirtualListHandle } from '../virtual/VirtualList.tsx';
import { ChannelHeader, type HeaderAction } from './ChannelHeader.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { MessageList } from './MessageList.tsx';
import { TypingIndicator } from './TypingIndicator.tsx';
import { Composer } from './Composer.tsx';
import { Icon } from '../components/Icon.tsx';

/** One open channel. Keyed by channel id by its parent, so its state starts fresh per channel. */
export function ChannelView({
  channel,
  onHeaderAction,
  onOpenNav,
  onToast,
}: {
  channel: Channel;
  onHeaderAction: (action: HeaderAction) => void;
  onOpenNav: () => void;
  onToast: (text: string) => void;
}) {
  const client = useClient();
  const { me } = useChatContext();
  const messages = useMessages(channel.id);
  const pending = usePending(channel.id);
  const scrollRef = useRef<VirtualListHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  const [editingId, setEditingId] = useState<string | null>(null);
  // The divider marks what was unread when the channel was opened, and stays until it is left.
  // A channel never read (just joined) has no "new" line: all of it is new, as in Slack.
  const [unreadAfterSeq] = useState(() =>
    channel.readSeq > 0 && channel.lastSeq > channel.readSeq ? channel.readSeq : null,
  );

  // Reading at the bottom of a visible tab marks the channel read.
  const lastSeq = messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (!atBottom || lastSeq === 0) return;
    const mark = () => {
      if (document.visibilityState === 'visible') client.markRead(channel.id);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [client, channel.id, lastSeq, atBottom]);

  const onSent = useCallback(() => scrollRef.current?.scrollToBottom(), []);
  const onEditLast = useCallback(() => {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (m && m.authorId === me.id && !m.deleted && m.kind === 'text') {
        setEditingId(m.id);
        return true;
      }
    }
    return false;
  }, [messages, me.id]);

  const newBelow = !atBottom && lastSeq > channel.readSeq;

  // Opening a channel puts the cursor in its composer on devices with a keyboard and mouse; on
  // touch screens that would pop up the on-screen keyboard over the messages.
  const sectionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    if (!window.matchMedia('(pointer: fine)').matches) return;
    if (document.activeElement instanceof HTMLElement && document.activeElement.closest('dialog')) return;
    sectionRef.current?.querySelector<HTMLTextAreaElement>('textarea')?.focus();
  }, []);

  return (
    <section ref={sectionRef} className="channel" aria-label={`Channel ${channel.name}`}>
      <ChannelHeader channel={channel} onAction={onHeaderAction} onOpenNav={onOpenNav} />
      <ConnectionBanner pendingCount={pending.length} />
      <div className="channel-body">
        <MessageList
          channel={channel}
          unreadAfterSeq={unreadAfterSeq}
          scrollRef={scrollRef}
          onAtBottomChange={setAtBottom}
          onToast={onToast}
          editingId={editingId}
          setEditingId={setEditingId}
        />
        {!atBottom ? (
          <button
            type="button"
            className={newBelow ? 'jump-btn jump-btn-new' : 'jump-btn'}
            onClick={() => scrollRef.current?.scrollToBottom()}
          >
            <Icon name="arrowDown" size={16} />
            {newBelow ? 'New messages' : 'Jump to latest'}
          </button>
        ) : null}
      </div>
      <div className="channel-footer">
        <Composer channel={channel} onSent={onSent} onEditLast={onEditLast} onToast={onToast} />
        <TypingIndicator channelId={channel.id} />
      </div>
    </section>
  );
}
