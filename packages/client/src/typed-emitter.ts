/**
 * A minimal typed event emitter, shared by the SDK's managers so they can talk to the client
 * (and to each other) without importing it. Works the same in Node and browsers.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = Record<string, (...args: any[]) => void>;

export class TypedEmitter<Events extends EventMap> {
  private readonly eventListeners = new Map<keyof Events, Set<Events[keyof Events]>>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends keyof Events>(event: E, fn: Events[E]): () => void {
    let set = this.eventListeners.get(event);
    if (!set) {
      set = new Set();
      this.eventListeners.set(event, set);
    }
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }

  /**
   * Calls every listener of `event`. A throwing listener must not stop the others nor corrupt
   * the emitter's caller (a manager halfway through a state change), so errors are reported
   * asynchronously instead of propagating.
   */
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    const set = this.eventListeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (...a: Parameters<Events[E]>) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  listenerCount(event: keyof Events): number {
    return this.eventListeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.eventListeners.clear();
  }
}
