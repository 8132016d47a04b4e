import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '@segmentchat/protocol';
import { useAdmin } from './admin-context.ts';

/**
 * A paged, searchable list from the admin API: reloads when the search or page changes (the
 * search a moment after typing stops) and after actions; the last answer wins.
 */
export function usePagedList<T>(load: (q: string, page: number) => Promise<Page<T>>) {
  const { onError } = useAdmin();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<T> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const seq = useRef(0);

  useEffect(() => {
    const t = setTimeout(() => {
      setQuery(q.trim());
      setPage(1);
    }, 250);
    return () => clearTimeout(t);
  }, [q]);

  const reload = useCallback(async () => {
    const mine = ++seq.current;
    try {
      const result = await load(query, page);
      if (mine !== seq.current) return;
      setData(result);
      setError(null);
    } catch (err) {
      if (mine === seq.current) setError(onError(err));
    }
  }, [load, query, page, onError]);

  useEffect(() => {
    void reload();
  }, [reload]);

  return { q, setQ, page, setPage, data, error, reload };
}
