import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Limits, type Channel } from '@segmentchat/protocol';
import type { DmItem } from '@segmentchat/client';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { ConnectionBanner } from '../channel/ConnectionBanner.tsx';
import { useChatContext } from '../chat/chat-context.ts';
import { formatFull, formatTime } from '../chat/format-time.ts';
import { stripBidiControls } from '../text/parse-rich-text.ts';
import { RichText } from '../text/RichText.tsx';
import { useDmItems, useIsDirect, usePeerName } from './use-peers.ts';
import './peer.css';

const VIA_TEXT: Record<DmItem['via'], string> = { direct: 'direct', server: 'via server' };

function DmLine({ item }: { item: DmItem }) {
  const time = formatTime(item.createdAt);
  const author = stripBidiControls(item.authorName) || 'deleted user';
  const state = item.status === 'pending' ? ', sending' : item.status === 'failed' ? ', not sent' : '';
  return (
    <article
      className={`msg dm-line${item.status !== 'sent' ? ' dm-line-pending' : ''}`}
      aria-label={`${author}, ${time}: ${stripBidiControls(item.text)} (${VIA_TEXT[item.via]}${state})`}
    >
      <div className="msg-gutter">
        <Avatar name={author} size={36} />
      </div>
      <div className="msg-main">
        <div className="msg-head">
          <span className="msg-author" dir="auto">
            {author}
          </span>
          <time
            className="msg-time"
            dateTime={new Date(item.createdAt).toISOString()}
            title={formatFull(item.createdAt)}
          >
            {time}
          </time>
          <span
            className={`dm-via dm-via-${item.via}`}
            title={
              item.via === 'direct'
                ? 'Sent straight to the other device; the server never had it'
                : 'Stored and forwarded by the server'
            }
          >
            {VIA_TEXT[item.via]}
          </span>
        </div>
        <div className="msg-body" dir="auto">
          <RichText text={stripBidiControls(item.text)} />
        </div>
      </div>
    </article>
  );
}

/**
 * A direct-message conversation: lines from the data channel and from the server, each marked
 * with the way it went. Writing goes over the data channel when it is open, else the server.
 */
export function DmView({ channel, onOpenNav }: { channel: Channel; onOpenNav: () => void }) {
  const { client } = useChatContext();
  const name = usePeerName(channel);
  const items = useDmItems(channel.id);
  const direct = useIsDirect(channel.id);
  const [text, setText] = useState('');
  const logRef = useRef<HTMLDivElement>(null);
  const pendingCount = items.filter((i) => i.status !== 'sent').length;
  const newest = items.at(-1)?.clientMsgId;

  useEffect(() => {
    logRef.current?.scrollTo({ top: logRef.current.scrollHeight });
    if (document.visibilityState === 'visible') {
      client.markRead(channel.id);
      client.peers.markDmRead(channel.id);
    }
  }, [client, channel.id, newest]);

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    const value = text.trim();
    if (!value) return;
    setText('');
    void client.peers.sendDm(channel.id, value);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
  };

  return (
    <section className="channel" aria-label={`Direct messages with ${name}`}>
      <header className="channel-header">
        <button
          type="button"
          className="icon-btn nav-toggle"
          aria-label="Open navigation"
          onClick={onOpenNav}
        >
          <Icon name="menu" />
        </button>
        <div className="channel-heading">
          <h1 className="channel-name">
            <Avatar name={name} size={22} />
            <span>{name}</span>
          </h1>
        </div>
        <div className="channel-tools">
          <span role="status" aria-label="Link" className={`dm-link dm-link-${direct ? 'direct' : 'server'}`}>
            {direct ? 'Direct link' : 'Via server'}
          </span>
        </div>
      </header>
      <ConnectionBanner pendingCount={pendingCount} />
      <div className="channel-body">
        <div className="dm-log" role="log" aria-label={`Messages in ${name}`} ref={logRef}>
          {items.length === 0 ? (
            <p className="empty-text dm-empty">
              This is the start of your conversation with {name}. While you are both online, messages go
              straight between your devices.
            </p>
          ) : null}
          {items.map((item) => (
            <DmLine key={item.clientMsgId} item={item} />
          ))}
        </div>
      </div>
      <div className="channel-footer">
        <form className="composer dm-composer" onSubmit={send}>
          <textarea
            className="composer-input"
            aria-label={`Message ${name}`}
            placeholder={`Message ${name}`}
            rows={1}
            maxLength={Limits.MESSAGE_TEXT_MAX}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKeyDown}
          />
          <button
            type="submit"
            className="icon-btn composer-send"
            aria-label="Send"
            disabled={text.trim() === ''}
          >
            <Icon name="send" size={18} />
          </button>
        </form>
      </div>
    </section>
  );
}
