/**
 * Registers the service worker that caches the app shell (built into dist/sw.js by
 * pwa/service-worker-plugin.ts), in production builds only: the dev server has none, and a
 * worker left over from a build would serve stale files during development.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () =>
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {
      // No offline shell (private mode, insecure origin); the app works the same online.
    });
  // After load, so precaching does not compete with the app's own first requests.
  if (document.readyState === 'complete') void register();
  else window.addEventListener('load', () => void register(), { once: true });
}
