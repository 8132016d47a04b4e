import type { Bus, BusMessage } from './bus.ts';

/** The bus of a single server node: listeners are called synchronously, in order. */
export class LocalBus implements Bus {
  private readonly listeners = new Set<(message: BusMessage) => void>();

  publish(message: BusMessage): void {
    for (const l of this.listeners) l(message);
  }

  subscribe(listener: (message: BusMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
