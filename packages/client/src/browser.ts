/**
 * Browser-only parts of the SDK (they use IndexedDB, Web Locks and BroadcastChannel):
 * `import { IndexedDBOutboxStore } from '@segmentchat/client/browser'`.
 */
export { IndexedDBOutboxStore } from './indexeddb-outbox-store.ts';
export { IndexedDBCacheStore } from './indexeddb-cache-store.ts';
export type { IndexedDBCacheOptions } from './indexeddb-cache-store.ts';
export { WebLockOutboxLock } from './web-lock-outbox-lock.ts';
export { deleteDatabase } from './indexeddb-database.ts';
