/**
 * Promise wrappers over the raw IndexedDB API, shared by the browser stores. Raw IndexedDB
 * rather than a wrapper library keeps the SDK's browser build free of extra dependencies.
 */

/** Resolves with a request's result, rejects with its error. */
export function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * Resolves once the transaction committed (with `durability: 'strict'`, once it is on disk);
 * rejects if it aborted. Requests in it need not be awaited one by one.
 */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    tx.onerror = () => undefined; // the abort that follows reports it
  });
}

/**
 * Opens (creating or upgrading) a database. A connection asked to make way (another tab
 * upgrading or deleting the database) closes at once, so that is never blocked for long;
 * `onGone` then tells the owner to open a fresh connection on its next call, as it does when
 * the browser closes the connection itself (storage cleared).
 */
export async function openDatabase(
  name: string,
  version: number,
  upgrade: (db: IDBDatabase, oldVersion: number) => void,
  onGone?: () => void,
): Promise<IDBDatabase> {
  const factory = globalThis.indexedDB as IDBFactory | undefined;
  if (!factory) throw new Error('IndexedDB is not available here');
  const request = factory.open(name, version);
  request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
  const db = await settle(request);
  db.onversionchange = () => {
    db.close();
    onGone?.();
  };
  db.onclose = () => onGone?.();
  return db;
}

/**
 * One store's connection to its database: opened on first use, and again on the next use after
 * it was closed under us (another tab upgrading or deleting it, storage cleared) or failed to open
 * (private mode, quota), rather than caching the failure.
 */
export class ReopeningDatabase {
  private db: Promise<IDBDatabase> | null = null;

  constructor(
    readonly name: string,
    private readonly version: number,
    private readonly upgrade: (db: IDBDatabase, oldVersion: number) => void,
  ) {}

  get(): Promise<IDBDatabase> {
    if (this.db) return this.db;
    const opening = openDatabase(this.name, this.version, this.upgrade, () => {
      if (this.db === opening) this.db = null;
    });
    this.db = opening;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    if (db) (await db.catch(() => null))?.close();
  }
}

/** Deletes a database (signing out wipes the cache); resolves even if it did not exist. */
export async function deleteDatabase(name: string): Promise<void> {
  const factory = globalThis.indexedDB as IDBFactory | undefined;
  if (!factory) return;
  await settle(factory.deleteDatabase(name));
}
