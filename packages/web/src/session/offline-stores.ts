import { IndexedDBCacheStore, IndexedDBOutboxStore, WebLockOutboxLock } from '@segmentchat/client/browser';
import type { ChatClientOptions, Member, Presence, User } from '@segmentchat/client';
import { IndexedDBDirectMessageStore } from '../dm/indexeddb-direct-store.ts';

/**
 * What makes the app work offline, per account: the IndexedDB outbox (shared by the account's
 * tabs, sent by whichever tab holds the Web Lock) and the IndexedDB cache of channels, recent
 * messages and cursors. The last signed-in user is remembered in localStorage, so a reload with
 * no network (the service worker serves the shell) opens that account from its cache instead of
 * the sign-in screen; the session cookie is checked again as soon as the server answers.
 */
const LAST_USER_KEY = 'segmentchat:last-user';

const caches = new Map<string, IndexedDBCacheStore>();
const outboxes = new Map<string, IndexedDBOutboxStore>();

function cacheFor(userId: string): IndexedDBCacheStore {
  let cache = caches.get(userId);
  if (!cache) {
    cache = new IndexedDBCacheStore(userId);
    caches.set(userId, cache);
  }
  return cache;
}

export function offlineClientOptions(
  user: User,
): Pick<ChatClientOptions, 'outboxStore' | 'outboxLock' | 'cacheStore' | 'directMessageStore'> {
  if (typeof indexedDB === 'undefined') return {};
  const outboxStore = new IndexedDBOutboxStore(user.id);
  outboxes.set(user.id, outboxStore);
  return {
    outboxStore,
    outboxLock: new WebLockOutboxLock(user.id),
    cacheStore: cacheFor(user.id),
    directMessageStore: new IndexedDBDirectMessageStore(user.id),
  };
}

export function rememberUser(user: User): void {
  try {
    localStorage.setItem(LAST_USER_KEY, JSON.stringify(user));
  } catch {
    // Storage disabled: the app still works online, it just cannot open offline.
  }
}

export function rememberedUser(): User | null {
  try {
    const raw = localStorage.getItem(LAST_USER_KEY);
    const user = raw ? (JSON.parse(raw) as Partial<User>) : null;
    return user && typeof user.id === 'string' && typeof user.username === 'string' ? (user as User) : null;
  } catch {
    return null;
  }
}

/**
 * Signing out forgets who was signed in and wipes that account's cache (a shared computer must
 * not show the last user's messages). The outbox stays: unsent messages go out at the next
 * sign-in of the same account rather than being lost.
 */
export async function forgetUser(): Promise<void> {
  const user = rememberedUser();
  try {
    localStorage.removeItem(LAST_USER_KEY);
  } catch {
    // nothing remembered
  }
  if (!user) return;
  const cache = cacheFor(user.id);
  caches.delete(user.id);
  await cache.destroy().catch(() => undefined);
}

/** Members of a channel as last seen online, for the members dialog when offline. */
export function cachedMembers(userId: string, channelId: string): Promise<Member[] | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return cacheFor(userId)
    .members(channelId)
    .catch(() => null);
}

export function saveMembers(userId: string, channelId: string, members: readonly Member[]): void {
  if (typeof indexedDB === 'undefined') return;
  void cacheFor(userId)
    .saveMembers(channelId, members)
    .catch(() => undefined);
}

/**
 * Channels that have messages waiting in the account's outbox. A channel deleted (or left)
 * while the user was offline is no longer listed, so the app asks here to still show what
 * could not be delivered there.
 */
export async function outboxChannelIds(userId: string): Promise<string[]> {
  const store = outboxes.get(userId);
  if (!store) return [];
  const entries = await store.load().catch(() => []);
  return [...new Set(entries.map((e) => e.channelId))];
}

/** The people list last seen online, for opening offline. */
export function cachedPresence(userId: string): Promise<Presence[]> {
  if (typeof indexedDB === 'undefined') return Promise.resolve([]);
  return cacheFor(userId)
    .presence()
    .catch(() => []);
}

export function savePresence(userId: string, presence: readonly Presence[]): void {
  if (typeof indexedDB === 'undefined') return;
  void cacheFor(userId)
    .savePresence(presence)
    .catch(() => undefined);
}
