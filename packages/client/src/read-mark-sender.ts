/**
 * Tells the server how far a channel has been read, at most once per `intervalMs` per channel:
 * at once when it has been quiet, else the latest position at the end of the interval. A reader
 * at the bottom of a busy channel marks it read after every message, and a lecture's three
 * hundred readers would send three hundred requests per message.
 */
export class ReadMarkSender {
  private readonly sentAt = new Map<string, number>();
  private readonly waiting = new Map<string, { seq: number; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly send: (channelId: string, seq: number) => void,
    private readonly intervalMs = 1_000,
  ) {}

  mark(channelId: string, seq: number): void {
    const queued = this.waiting.get(channelId);
    if (queued) {
      queued.seq = Math.max(queued.seq, seq);
      return;
    }
    const wait = (this.sentAt.get(channelId) ?? -Infinity) + this.intervalMs - Date.now();
    if (wait <= 0) return this.sendNow(channelId, seq);
    const entry = {
      seq,
      timer: setTimeout(() => {
        this.waiting.delete(channelId);
        this.sendNow(channelId, entry.seq);
      }, wait),
    };
    this.waiting.set(channelId, entry);
  }

  /** Drops what waits (the connection is gone; the next hello sends what the server lacks). */
  cancel(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
  }

  private sendNow(channelId: string, seq: number): void {
    const now = Date.now();
    // Forget channels quiet for longer than the interval: their next mark goes at once anyway.
    for (const [id, at] of this.sentAt) if (now - at >= this.intervalMs) this.sentAt.delete(id);
    this.sentAt.set(channelId, now);
    this.send(channelId, seq);
  }
}
