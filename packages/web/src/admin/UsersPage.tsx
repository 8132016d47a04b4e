import { useState } from 'react';
import type { AdminUser } from '@segmentchat/protocol';
import { Avatar } from '../components/Avatar.tsx';
import { Icon } from '../components/Icon.tsx';
import { MenuButton, type MenuItem } from '../components/Menu.tsx';
import { PAGE_SIZE, adminApi } from './admin-api.ts';
import { useAdmin } from './admin-context.ts';
import { formatAgo, formatDate } from './admin-format.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { CreateUserDialog, PasswordResultDialog } from './UserDialogs.tsx';
import { Notice, PageHeader } from './PageHeader.tsx';
import { Pager } from './Pager.tsx';
import { usePagedList } from './use-paged-list.ts';

type Pending =
  | { kind: 'create' }
  | { kind: 'delete'; user: AdminUser }
  | { kind: 'disable'; user: AdminUser }
  | { kind: 'reset'; user: AdminUser }
  | { kind: 'password'; title: string; username: string; password: string };

function statusText(u: AdminUser): string {
  if (u.status === 'online') return 'Online';
  if (u.status === 'away') return 'Away';
  return u.lastSeen ? `Last seen ${formatAgo(u.lastSeen)}` : 'Not seen in chat yet';
}

const ROLE_LABEL = { admin: 'Admin', user: 'Member', visitor: 'Visitor' } as const;

export function UsersPage() {
  const { me, onError } = useAdmin();
  const list = usePagedList(adminApi.users);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<{ text: string; tone: 'success' | 'error' } | null>(null);

  async function act(run: () => Promise<unknown>, done: string) {
    try {
      await run();
      setNotice({ text: done, tone: 'success' });
    } catch (err) {
      setNotice({ text: onError(err), tone: 'error' });
    }
    await list.reload();
  }

  function actions(u: AdminUser): MenuItem[] {
    const items: MenuItem[] = [];
    if (u.id === me.id) return items;
    if (u.role !== 'visitor') {
      items.push(
        u.role === 'admin'
          ? {
              label: 'Remove admin',
              icon: <Icon name="users" size={16} />,
              onSelect: () =>
                void act(() => adminApi.setRole(u.id, 'user'), `${u.username} is no longer an admin.`),
            }
          : {
              label: 'Make admin',
              icon: <Icon name="lock" size={16} />,
              onSelect: () =>
                void act(() => adminApi.setRole(u.id, 'admin'), `${u.username} is now an admin.`),
            },
        {
          label: 'Reset password',
          icon: <Icon name="retry" size={16} />,
          onSelect: () => setPending({ kind: 'reset', user: u }),
        },
      );
    }
    items.push(
      u.disabled
        ? {
            label: 'Enable',
            icon: <Icon name="door" size={16} />,
            onSelect: () => void act(() => adminApi.enableUser(u.id), `${u.username} can sign in again.`),
          }
        : {
            label: 'Disable',
            icon: <Icon name="wifiOff" size={16} />,
            onSelect: () => setPending({ kind: 'disable', user: u }),
          },
      {
        label: 'Delete',
        icon: <Icon name="trash" size={16} />,
        danger: true,
        onSelect: () => setPending({ kind: 'delete', user: u }),
      },
    );
    return items;
  }

  const data = list.data;
  return (
    <section className="admin-page" aria-labelledby="admin-page-title">
      <PageHeader
        title="Users"
        subtitle={data ? `${data.total} account${data.total === 1 ? '' : 's'} and visitors` : ' '}
      >
        <button type="button" className="btn btn-primary" onClick={() => setPending({ kind: 'create' })}>
          <Icon name="userPlus" size={16} />
          Create user
        </button>
      </PageHeader>
      <div className="admin-toolbar">
        <label className="search-field admin-search">
          <span className="visually-hidden">Search users</span>
          <input
            className="input"
            type="search"
            placeholder="Search by username"
            value={list.q}
            onChange={(e) => list.setQ(e.target.value)}
          />
        </label>
      </div>
      <Notice text={notice?.text ?? list.error} tone={notice?.tone ?? 'error'} />
      <div className="admin-table-wrap">
        <table className="admin-table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col" className="num">
                Messages
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((u) => (
              <tr key={u.id} aria-label={u.username}>
                <td data-label="User">
                  <span className="admin-user">
                    <Avatar name={u.username} size={30} status={u.status} />
                    <span className="admin-user-name">{u.username}</span>
                    {u.id === me.id ? <span className="tag tag-muted">you</span> : null}
                    {u.disabled ? <span className="tag admin-tag-danger">Disabled</span> : null}
                    {u.mustChangePassword ? (
                      <span className="tag tag-muted">Must change password</span>
                    ) : null}
                  </span>
                </td>
                <td data-label="Role">
                  <span className={`tag admin-role-${u.role}`}>{ROLE_LABEL[u.role]}</span>
                </td>
                <td data-label="Status">
                  <span className={`admin-status admin-status-${u.status}`}>{statusText(u)}</span>
                </td>
                <td data-label="Created">{formatDate(u.createdAt)}</td>
                <td data-label="Messages" className="num">
                  {u.messageCount.toLocaleString()}
                </td>
                <td className="admin-actions-cell">
                  {u.id === me.id ? null : (
                    <MenuButton
                      label={`Actions for ${u.username}`}
                      className="icon-btn"
                      items={actions(u)}
                      placement="down"
                    >
                      <Icon name="menu" size={18} />
                    </MenuButton>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? <p className="empty-note">No users match “{list.q}”.</p> : null}
      </div>
      {data ? (
        <Pager label="Users" page={data.page} pageSize={PAGE_SIZE} total={data.total} onPage={list.setPage} />
      ) : null}

      {pending?.kind === 'create' ? (
        <CreateUserDialog
          onClose={() => setPending(null)}
          onCreated={(username, password) => {
            setNotice({ text: `Created ${username}.`, tone: 'success' });
            void list.reload();
            setPending(
              password ? { kind: 'password', title: `${username} was created`, username, password } : null,
            );
          }}
        />
      ) : null}
      {pending?.kind === 'disable' ? (
        <ConfirmDialog
          title={`Disable ${pending.user.username}?`}
          confirmLabel="Disable"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await adminApi.disableUser(pending.user.id);
            setNotice({ text: `${pending.user.username} was disabled and signed out.`, tone: 'success' });
            await list.reload();
          }}
        >
          They are signed out everywhere at once and cannot sign in until you enable the account again.
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'delete' ? (
        <ConfirmDialog
          title={`Delete ${pending.user.username}?`}
          confirmLabel="Delete user"
          danger
          onClose={() => setPending(null)}
          onConfirm={async () => {
            await adminApi.deleteUser(pending.user.id);
            setNotice({ text: `${pending.user.username} was deleted.`, tone: 'success' });
            await list.reload();
          }}
        >
          The account is removed for good. Its {pending.user.messageCount.toLocaleString()} messages stay in
          their channels, shown as written by “deleted user”.
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'reset' ? (
        <ConfirmDialog
          title={`Reset the password of ${pending.user.username}?`}
          confirmLabel="Reset password"
          onClose={() => setPending(null)}
          onConfirm={async () => {
            const r = await adminApi.resetPassword(pending.user.id);
            await list.reload();
            const password = r.password ?? '';
            // Shown once, in its own dialog, after this one closes.
            setTimeout(
              () =>
                setPending({
                  kind: 'password',
                  title: `New password for ${pending.user.username}`,
                  username: pending.user.username,
                  password,
                }),
              0,
            );
          }}
        >
          A new temporary password is generated and shown once. {pending.user.username} is signed out and must
          choose their own password at the next sign-in.
        </ConfirmDialog>
      ) : null}
      {pending?.kind === 'password' ? (
        <PasswordResultDialog
          title={pending.title}
          username={pending.username}
          password={pending.password}
          onClose={() => setPending(null)}
        />
      ) : null}
    </section>
  );
}
