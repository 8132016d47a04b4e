import { useCallback } from 'react';
import type { AuditEntry } from '@segmentchat/protocol';
import { PAGE_SIZE, adminApi } from './admin-api.ts';
import { formatDateTime } from './admin-format.ts';
import { Notice, PageHeader } from './PageHeader.tsx';
import { Pager } from './Pager.tsx';
import { usePagedList } from './use-paged-list.ts';

const ACTION_LABEL: Record<AuditEntry['action'], string> = {
  'user.create': 'Created user',
  'user.disable': 'Disabled user',
  'user.enable': 'Enabled user',
  'user.delete': 'Deleted user',
  'user.role': 'Changed role',
  'user.password': 'Reset password',
  'channel.create': 'Created channel',
  'channel.update': 'Edited channel',
  'channel.delete': 'Deleted channel',
  'channel.member.add': 'Added member',
  'channel.member.remove': 'Removed member',
  'server.restart': 'Restarted server',
  'server.stop': 'Stopped server',
};

export function AuditPage() {
  const load = useCallback((_q: string, page: number) => adminApi.audit(page), []);
  const list = usePagedList(load);
  const data = list.data;
  return (
    <section className="admin-page" aria-labelledby="admin-page-title">
      <PageHeader
        title="Audit log"
        subtitle="Every admin action: who, what, when and from where. Newest first."
      />
      <Notice text={list.error} tone="error" />
      <div className="admin-table-wrap">
        <table className="admin-table" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
              <th scope="col">From</th>
            </tr>
          </thead>
          <tbody>
            {data?.items.map((e) => (
              <tr key={e.id}>
                <td data-label="When">
                  <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at)}</time>
                </td>
                <td data-label="Who">{e.actorName}</td>
                <td data-label="Action">
                  <span className={`tag admin-action admin-action-${e.action.split('.')[0]}`}>
                    {ACTION_LABEL[e.action]}
                  </span>
                </td>
                <td data-label="Target" className="admin-strong">
                  {e.target}
                </td>
                <td data-label="Details" className="admin-muted">
                  {e.detail || '—'}
                </td>
                <td data-label="From" className="admin-mono">
                  {e.ip}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {data && data.items.length === 0 ? <p className="empty-note">No admin actions yet.</p> : null}
      </div>
      {data ? (
        <Pager
          label="Audit log"
          page={data.page}
          pageSize={PAGE_SIZE}
          total={data.total}
          onPage={list.setPage}
        />
      ) : null}
    </section>
  );
}
