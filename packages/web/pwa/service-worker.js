// @ts-check
/// <reference lib="webworker" />
/* SegmentChat's service worker: keeps the app shell (index.html and the hashed build assets) in
 * Cache Storage, so a reload with no network still opens the app. The build fills in
 * SHELL_FILES and SHELL_VERSION (see service-worker-plugin.ts); each build is a new cache. */

/** @type {ServiceWorkerGlobalScope} */
const sw = /** @type {any} */ (self);
/** @type {string[]} */
const SHELL_FILES = __SHELL_FILES__;
/** @type {string} */
const SHELL_VERSION = __SHELL_VERSION__;
const CACHE = `segmentchat-shell-${SHELL_VERSION}`;
const INDEX = '/index.html';
/** Live traffic: never answered from the cache. */
const BYPASS = /^\/(api|ws|healthz|metrics)(\/|$)/;

sw.addEventListener('install', (event) => {
  // `cache: 'reload'` skips the HTTP cache, so the shell cached is the one on the server now.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL_FILES.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('segmentchat-shell-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== sw.location.origin || BYPASS.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // Network first, so a deploy is picked up at once; the cached shell when there is no answer
    // or a proxy's 502/503/504 while the server restarts. The app routes on the client, so
    // every navigation gets the same index.html.
    const cached = () => caches.match(INDEX, { cacheName: CACHE });
    event.respondWith(
      fetch(request)
        .then(async (response) =>
          response.status >= 502 && response.status <= 504 ? ((await cached()) ?? response) : response,
        )
        .catch(async () => (await cached()) ?? Response.error()),
    );
    return;
  }
  // Build assets are named by content hash: a cached copy is always the right one.
  event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
});
