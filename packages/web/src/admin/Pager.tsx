import { Icon } from '../components/Icon.tsx';

/** Previous / next over a paged list, with where we are. */
export function Pager({
  label,
  page,
  pageSize,
  total,
  onPage,
}: {
  label: string;
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav className="admin-pager" aria-label={`${label} pages`}>
      <span className="admin-pager-text">
        {from}–{to} of {total} · page {page} of {pages}
      </span>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => onPage(page - 1)}
        disabled={page <= 1}
        aria-label="Previous page"
      >
        <Icon name="chevronLeft" size={16} />
        Previous
      </button>
      <button
        type="button"
        className="btn btn-secondary btn-sm"
        onClick={() => onPage(page + 1)}
        disabled={page >= pages}
        aria-label="Next page"
      >
        Next
        <Icon name="chevronRight" size={16} />
      </button>
    </nav>
  );
}
