import { useSyncExternalStore } from 'react';

/**
 * A minimal path router: `/` (chat), `/c/<channelId>` (one channel), `/admin` (admin panel).
 * The server answers every unknown path with index.html, so reloading a channel URL works.
 */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onPop = () => listener();
  window.addEventListener('popstate', onPop);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', onPop);
  };
}

function getPath(): string {
  return window.location.pathname;
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, getPath);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function channelPath(channelId: string): string {
  return `/c/${encodeURIComponent(channelId)}`;
}

export function channelIdFromPath(path: string): string | null {
  const m = /^\/c\/([^/]+)\/?$/.exec(path);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}
