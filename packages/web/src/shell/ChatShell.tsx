import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChatClient } from '@segmentchat/client';
import type { Channel, User } from '@segmentchat/protocol';
import { ChatContext } from '../chat/chat-context.ts';
import { useChannels, useClient, useConnectionState } from '../chat/use-chat.ts';
import { Sidebar, type SidebarAction } from '../sidebar/Sidebar.tsx';
import { ChannelView } from '../channel/ChannelView.tsx';
import { DmView } from '../dm/DmView.tsx';
import type { HeaderAction } from '../channel/ChannelHeader.tsx';
import { CreateChannelDialog } from '../dialogs/CreateChannelDialog.tsx';
import { BrowseChannelsDialog } from '../dialogs/BrowseChannelsDialog.tsx';
import { JoinByCodeDialog } from '../dialogs/JoinByCodeDialog.tsx';
import { InviteDialog } from '../dialogs/InviteDialog.tsx';
import { MembersDialog } from '../dialogs/MembersDialog.tsx';
import { channelIdFromPath, channelPath, navigate, usePath } from '../navigation/router.ts';
import { ToastRegion, useToasts } from './Toasts.tsx';
import { Icon } from '../components/Icon.tsx';
import { ConnectionBanner } from '../channel/ConnectionBanner.tsx';
import { errorText } from '../chat/error-text.ts';
import { UndeliveredMessages } from './UndeliveredMessages.tsx';

type DialogState =
  | { kind: SidebarAction }
  | { kind: 'invite'; channelId: string }
  | { kind: 'members'; channelId: string }
  | null;

export function ChatShell({ client, user }: { client: ChatClient; user: User }) {
  const value = useMemo(() => ({ client, me: user }), [client, user]);
  return (
    <ChatContext value={value}>
      <Shell />
    </ChatContext>
  );
}

function pickDefault(channels: readonly Channel[]): Channel | undefined {
  const joined = channels.filter((c) => c.joined);
  return joined.find((c) => c.name === 'general') ?? joined.sort((a, b) => a.name.localeCompare(b.name))[0];
}

function Shell() {
  const client = useClient();
  const channels = useChannels();
  const unreadTotal = channels.reduce((sum, c) => sum + (c.joined ? client.unreadCount(c.id) : 0), 0);
  const state = useConnectionState();
  const path = usePath();
  const [dialog, setDialog] = useState<DialogState>(null);
  const [navOpen, setNavOpen] = useState(false);
  const { toasts, push, dismiss } = useToasts();

  const routed = channelIdFromPath(path);
  const routedChannel = routed ? channels.find((c) => c.id === routed && c.joined) : undefined;
  const active = routedChannel ?? pickDefault(channels);

  const open = useCallback((channelId: string) => {
    navigate(channelPath(channelId));
    setNavOpen(false);
  }, []);

  // Unread messages show in the tab title, as in every chat app: "(3) #general · SegmentChat".
  useEffect(() => {
    const where = active ? `${active.kind === 'dm' ? '' : '#'}${active.name} · ` : '';
    document.title = `${unreadTotal > 0 ? `(${unreadTotal}) ` : ''}${where}SegmentChat`;
  }, [unreadTotal, active]);

  // Keep the URL pointing at what is shown (e.g. after leaving or losing a channel).
  useEffect(() => {
    if (active && routed !== active.id) navigate(channelPath(active.id), { replace: true });
  }, [active, routed]);

  // Alt+ArrowUp / Alt+ArrowDown move between channels from anywhere, as in Slack.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
      const list = channels.filter((c) => c.joined).sort((a, b) => a.name.localeCompare(b.name));
      const i = list.findIndex((c) => c.id === active?.id);
      const next = list[(i + (e.key === 'ArrowDown' ? 1 : -1) + list.length) % list.length];
      if (next) {
        e.preventDefault();
        open(next.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [channels, active?.id, open]);

  const onHeaderAction = useCallback(
    (action: HeaderAction) => {
      if (!active) return;
      if (action === 'leave') {
        client.request('channel.leave', { channelId: active.id }).then(
          () => navigate('/', { replace: true }),
          (err: unknown) => push(`Couldn’t leave: ${errorText(err)}`),
        );
      } else {
        setDialog({ kind: action, channelId: active.id });
      }
    },
    [active, client, push],
  );

  const closeDialog = useCallback(() => setDialog(null), []);
  const onJoined = useCallback(
    (channel: Channel) => {
      setDialog(null);
      open(channel.id);
    },
    [open],
  );
  const dialogChannel =
    dialog && 'channelId' in dialog ? channels.find((c) => c.id === dialog.channelId) : undefined;

  return (
    <div className={`app${navOpen ? ' nav-open' : ''}`}>
      <aside className="sidebar" aria-label="Sidebar">
        <Sidebar
          activeChannelId={active?.id ?? null}
          onSelect={open}
          onAction={(kind) => setDialog({ kind })}
        />
      </aside>
      {navOpen ? <div className="scrim" aria-hidden="true" onClick={() => setNavOpen(false)} /> : null}
      <main className="main">
        <UndeliveredMessages />
        {active?.kind === 'dm' ? (
          <DmView key={active.id} channel={active} onOpenNav={() => setNavOpen(true)} />
        ) : active ? (
          <ChannelView
            key={active.id}
            channel={active}
            onHeaderAction={onHeaderAction}
            onOpenNav={() => setNavOpen(true)}
            onToast={push}
          />
        ) : (
          <EmptyMain
            loading={state !== 'online' && channels.length === 0}
            onBrowse={() => setDialog({ kind: 'browse' })}
            onOpenNav={() => setNavOpen(true)}
          />
        )}
      </main>
      {dialog?.kind === 'create' ? <CreateChannelDialog onClose={closeDialog} onCreated={onJoined} /> : null}
      {dialog?.kind === 'browse' ? <BrowseChannelsDialog onClose={closeDialog} onJoined={onJoined} /> : null}
      {dialog?.kind === 'joinCode' ? <JoinByCodeDialog onClose={closeDialog} onJoined={onJoined} /> : null}
      {dialog?.kind === 'invite' && dialogChannel ? (
        <InviteDialog channel={dialogChannel} onClose={closeDialog} />
      ) : null}
      {dialog?.kind === 'members' && dialogChannel ? (
        <MembersDialog channel={dialogChannel} onClose={closeDialog} />
      ) : null}
      <ToastRegion toasts={toasts} dismiss={dismiss} />
      <NavEscape open={navOpen} onClose={() => setNavOpen(false)} />
    </div>
  );
}

function NavEscape({ open, onClose }: { open: boolean; onClose: () => void }) {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, onClose]);
  return null;
}

function EmptyMain({
  loading,
  onBrowse,
  onOpenNav,
}: {
  loading: boolean;
  onBrowse: () => void;
  onOpenNav: () => void;
}) {
  return (
    <section className="channel channel-empty" aria-label="No channel open">
      <header className="channel-header">
        <button
          type="button"
          className="icon-btn nav-toggle"
          aria-label="Open navigation"
          onClick={onOpenNav}
        >
          <Icon name="menu" />
        </button>
      </header>
      <ConnectionBanner pendingCount={0} />
      <div className="empty-state">
        <div className="empty-illustration" aria-hidden="true">
          <Icon name="chat" size={40} />
        </div>
        {loading ? (
          <p className="empty-title">Loading your channels…</p>
        ) : (
          <>
            <p className="empty-title">Pick a channel to start chatting</p>
            <p className="empty-text">Join a public channel, or create your own from the sidebar.</p>
            <button type="button" className="btn btn-primary" onClick={onBrowse}>
              Browse channels
            </button>
          </>
        )}
      </div>
    </section>
  );
}
