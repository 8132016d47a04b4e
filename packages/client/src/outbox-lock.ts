/**
 * Who may send the outbox right now. Several clients can share one outbox store (browser tabs
 * of one user); only the holder of this lock sends, so nothing goes out twice concurrently.
 * `acquire` resolves with a release function once the lock is held. The default grants at once;
 * the offline work (issue 4) plugs in Web Locks or a BroadcastChannel leader.
 */
export interface OutboxLock {
  acquire(): Promise<() => void>;
}

export const alwaysGrantedLock: OutboxLock = {
  acquire: async () => () => {},
};
