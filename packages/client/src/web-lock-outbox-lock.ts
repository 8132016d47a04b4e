import type { OutboxLock } from './outbox-lock.ts';

/**
 * The outbox lock across the tabs of one browser profile, with the Web Locks API: every tab of
 * an account asks for the same named lock, only the holder sends the shared outbox, and the
 * others wait in the browser's queue. A tab that closes or crashes releases its lock with it,
 * so the next tab takes over with no timeout to tune. Where Web Locks are missing (an old
 * browser, an insecure origin) the lock is granted at once: the server's dedup on clientMsgId
 * still keeps every message exactly-once; only concurrent sending is no longer prevented.
 */
export class WebLockOutboxLock implements OutboxLock {
  readonly lockName: string;

  /** `name` identifies the account (its user id), as for IndexedDBOutboxStore. */
  constructor(name: string) {
    this.lockName = `segmentchat-outbox:${name}`;
  }

  acquire(): Promise<() => void> {
    // Typed as always present, but missing in Node, old browsers and insecure origins.
    const nav = globalThis.navigator as Partial<Navigator> | undefined;
    const locks = nav?.locks;
    if (!locks) return Promise.resolve(() => {});
    return new Promise((granted, refused) => {
      locks
        .request(
          this.lockName,
          // Held until the promise this callback returns settles: until `release` is called.
          () => new Promise<void>((release) => granted(release)),
        )
        .catch(refused);
    });
  }
}
