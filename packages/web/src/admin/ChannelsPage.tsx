import { useState } from 'react';
import type { AdminChannel } from '@segmentchat/protocol';
import { Icon } from '../components/Icon.tsx';
import { MenuButton } from '../components/Menu.tsx';
import { PAGE_SIZE, adminApi } from './admin-api.ts';
import { formatDate } from './admin-format.ts';
import { ChannelFormDialog, MembersDialog } from './ChannelDialogs.tsx';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { Notice, PageHeader } from './PageHeader.tsx';
import { Pager } from './Pager.tsx';
import { usePagedList } from './use-paged-list.ts';

type Pending =
  | { kind: 'create' }
  | { kind: 'edit'; channel: AdminChannel }
  | { kind: 'members'; channel: AdminChannel }
  | { kind: 'delete'; channel: AdminChannel };

export function ChannelsPage() {
  const list = usePagedList(adminApi.channels);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const data = list.data;

  return (
    <section className="admin-page" aria-labelledby="admin-page-title">
      <PageHeader
        title="Channels"
        subtitle={data ? `${data.total} channel${data.total === 1 ? '' : 's'}, private ones included` : ' '}
      >
        <button type="button" className="btn btn-primary" onClick={() => setPending({ kind: 'create' })}>
          <Icon name="plus" size={16} />
          Create channel
        </button>
      </PageHeader>
      <div className="admin-toolbar">
        <label className="search-field admin-search">
          <span className="visually-hidden">Search channels</span>
          <input
            className="input"
            type="search"
            placeholder="Search by name"
            value={list.q}
            onChange={(e) => list.setQ(e.target.value)}
          />
        </label>
      </div>
      <Notice text={notice ?? list.error} tone={notice ? 'success' : 'error'} />
      <div className="admin-table-wrap">
        <table className="admin-table" aria-label="Channels">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Visibility</th>
              <th scope="col" className="num">
                Members
              </th>
              <th scope="col" className="num">
                Messages
              </th>
              <th scope="col">Owner</th>
              <th scope="col">Created</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((c) => (
              <tr key={c.id} aria-label={c.name}>
                <td data-label="Channel">
                  <span className="admin-channel">
                    <Icon name={c.visibility === 'private' ? 'lock' : 'hash'} size={16} />
                    <span className="admin-channel-text">
                      <span className="admin-channel-name">{c.name}</span>
                      {c.description ? <span className="admin-channel-desc">{c.description}</span> : null}
                    </span>
                  </span>
                </td>
                <td data-label="Visibility">
                  <span className={`tag ${c.visibility === 'private' ? 'admin-tag-private' : 'tag-muted'}`}>
                    {c.visibility === 'private' ? 'Private' : 'Public'}
                  </span>
                </td>
                <td data-label="Members" className="num">
                  {c.memberCount.toLocaleString()}
                </td>
                <td data-label="Messages" className="num">
                  {c.messageCount.toLocaleString()}
                </td>
                <td data-label="Owner">{c.ownerName ?? <span className="admin-muted">Server</span>}</td>
                <td data-label="Created">{formatDate(c.createdAt)}</td>
                <td className="admin-actions-cell">
                  <MenuButton
                    label={`Actions for ${c.name}`}
                    className="icon-btn"
                    placement="down"
                    items={[
                      {
                        label: 'Edit',
                        icon: <Icon name="edit" size={16} />,
                        onSelect: () => setPending({ kind: 'edit', channel: c }),
                      },
                      {
                        label: 'Members',
                        icon: <Icon name="users" size={16} />,
                        onSelect: () => setPending({ kind: 'members', channel: c }),
                      },
                      {
                        label: 'Delete',
                        icon: <Icon name="trash" size={16} />,
                        danger: true,
                        onSelect: () => setPending({ kind: 'delete', channel: c }),
                      },
                    ]}
                  >
                    <Icon name="menu" size={18} />
                  </MenuButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? <p className="empty-note">No channels match “{list.q}”.</p> : null}
      </div>
      {data ? (
        <Pager
          label="Channels"
          page={data.page}
          pageSize={PAGE_SIZE}
          total={data.total}
          onPage={list.setPage}
        />
      ) : null}

      {pending?.kind === 'create' || pending?.kind === 'edit' ? (
        <ChannelFormDialog
          channel={pending.kind === 'edit' ? pending.channel : null}
          onClose={() => setPending(null)}
          onSaved={(c) => {
            setNotice(pending.kind === 'edit' ? `Saved #${c.name}.` : `Created #${c.name}.`);
            setPending(null);
            void list.reload();
          }}
        />
      ) : null}
      {pending?.kind === 'members' ? (
        <MembersDialog
          channel={pending.channel}
          onClose={() => {
            setPending(null);
            void list.reload();
          }}
        />
      ) : null}
      {pending?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete #${pending.channel.name}?`}
          confirmLabel="Delete channel"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await adminApi.deleteChannel(pending.channel.id);
            setNotice(`Deleted #${pending.channel.name}.`);
            await list.reload();
          }}
        >
          The channel and its {pending.channel.messageCount.toLocaleString()} messages are deleted for good.
          Its {pending.channel.memberCount.toLocaleString()} members see it disappear right away.
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
