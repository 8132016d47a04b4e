import { ChatError, ErrorCode, Limits } from '@segmentchat/protocol';
import type { ErrorBody, Message } from '@segmentchat/protocol';
import type { OutboxLock } from './outbox-lock.ts';
import type { OutboxStore, PendingMessage } from './outbox-store.ts';
import { newClientMsgId } from './client-msg-id.ts';
import { TypedEmitter } from './typed-emitter.ts';

export type OutboxEvents = {
  change: () => void;
  /** The server stored the message (ack, or seen in an event or sync). */
  delivered: (message: Message) => void;
};

/** Refusals that no resend can fix: the entry is marked failed with the reason. */
const FINAL_CODES: ReadonlySet<string> = new Set([
  ErrorCode.INVALID,
  ErrorCode.TOO_LARGE,
  ErrorCode.UNKNOWN_TYPE,
  ErrorCode.FORBIDDEN,
  ErrorCode.NOT_FOUND,
  ErrorCode.CONFLICT,
  ErrorCode.UNSUPPORTED_MEDIA,
]);

export interface OutboxOptions {
  store: OutboxStore;
  lock: OutboxLock;
  /** Sends one entry (`message.send` with its clientMsgId) and resolves with the stored message. */
  send: (entry: PendingMessage) => Promise<Message>;
  /**
   * Sends on the wire at once (default 1). The server handles a connection's frames in order,
   * so a larger window hides the round trip and keeps the order as long as nothing is refused;
   * but when one send is refused with RATE_LIMITED, a later one already on the wire may be
   * accepted before it is retried, and the two swap places. A chat keeps the order the user
   * wrote in, so the default is one at a time (at 100 ms round trip that is 10 messages/s, about
   * the server's default per-user send rate); bots that do not care may raise it.
   */
  window?: number;
}

/**
 * Messages written but not yet stored by the server. Each is persisted before anything is sent;
 * while online they go out in order; an ack (or the message seen by sync or an event) removes
 * it; a retryable failure or a lost connection keeps it for the next try (the server dedups on
 * clientMsgId, so a resend is never a duplicate); a final refusal marks it failed, kept until
 * `retry` or `discard`. Sending happens only while `lock` is held, so clients sharing a store
 * (tabs) never send concurrently.
 */
export class Outbox extends TypedEmitter<OutboxEvents> {
  private entries = new Map<string, PendingMessage>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly snapshots = new Map<string, readonly PendingMessage[]>();
  private online = false;
  private pumping = false;
  private pumpAgain = false;
  private wake: (() => void) | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryAfter = 0;
  private failures = 0;
  private unwatch: (() => void) | null = null;
  private readonly maxWindow: number;
  /**
   * After a retryable refusal (rate limit) the window drops to 1, so the retries cannot overtake
   * each other, and doubles back with each ack.
   */
  private window: number;

  constructor(private readonly options: OutboxOptions) {
    super();
    this.maxWindow = Math.max(1, options.window ?? 1);
    this.window = this.maxWindow;
  }

  /** Loads what a previous run left; entries that were on the wire go back to pending. */
  async init(): Promise<void> {
    await this.reload();
    this.unwatch = this.options.store.watch?.(() => void this.reload()) ?? null;
  }

  /**
   * Validates, persists, and queues a message; resolves once it is durable. `clientMsgId` is
   * given when the message was already offered another way (a direct DM that got no ack).
   */
  async add(
    channelId: string,
    text: string,
    attachments: string[] = [],
    clientMsgId: string = newClientMsgId(),
  ): Promise<PendingMessage> {
    if (typeof channelId !== 'string' || channelId === '') throw ChatError.invalid('channelId is required');
    if (typeof text !== 'string') throw ChatError.invalid('text must be a string');
    if (text.length > Limits.MESSAGE_TEXT_MAX)
      throw ChatError.tooLarge(`Text over ${Limits.MESSAGE_TEXT_MAX} characters`);
    if (text.trim() === '' && attachments.length === 0) throw ChatError.invalid('Message is empty');
    if (attachments.length > Limits.ATTACHMENTS_PER_MESSAGE_MAX)
      throw ChatError.invalid('Too many attachments');
    const entry: PendingMessage = {
      clientMsgId,
      channelId,
      text,
      attachments: [...attachments],
      createdAt: Date.now(),
      status: 'pending',
    };
    await this.options.store.put(entry);
    this.entries.set(entry.clientMsgId, entry);
    this.changed();
    this.pump();
    return entry;
  }

  async retry(clientMsgId: string): Promise<void> {
    const entry = this.entries.get(clientMsgId);
    if (!entry) throw ChatError.notFound('No such pending message');
    if (entry.status !== 'failed') return;
    const next: PendingMessage = { ...entry, status: 'pending' };
    delete next.error;
    await this.options.store.put(next);
    this.replace(next);
    this.pump();
  }

  async discard(clientMsgId: string): Promise<void> {
    if (!this.entries.delete(clientMsgId)) return;
    this.changed();
    await this.options.store.delete(clientMsgId);
  }

  /** The connection is ready (true) or gone (false). */
  setOnline(online: boolean): void {
    this.online = online;
    if (!online) this.wake?.();
    if (online) {
      this.failures = 0;
      this.retryAfter = 0;
      this.pump();
    }
  }

  /** A message of ours reached the client by another path (event, sync): its entry is done. */
  seen(message: Message): void {
    const entry = this.entries.get(message.clientMsgId);
    if (entry && entry.channelId === message.channelId) void this.remove(entry.clientMsgId);
  }

  pending(channelId: string): readonly PendingMessage[] {
    let snap = this.snapshots.get(channelId);
    if (!snap) {
      snap = Object.freeze([...this.entries.values()].filter((e) => e.channelId === channelId));
      this.snapshots.set(channelId, snap);
    }
    return snap;
  }

  all(): PendingMessage[] {
    return [...this.entries.values()];
  }

  close(): void {
    this.online = false;
    this.unwatch?.();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Re-reads the store (another client sharing it changed it), keeping what is on the wire. */
  async reload(): Promise<void> {
    const stored = await this.options.store.load();
    const next = new Map<string, PendingMessage>();
    for (const e of stored) {
      const status = this.inFlight.has(e.clientMsgId)
        ? 'sending'
        : e.status === 'sending'
          ? 'pending'
          : e.status;
      next.set(e.clientMsgId, e.status === status ? e : { ...e, status });
    }
    this.entries = next;
    this.changed();
    this.pump();
  }

  private changed(): void {
    this.snapshots.clear();
    this.emit('change');
  }

  private replace(entry: PendingMessage): void {
    if (!this.entries.has(entry.clientMsgId)) return;
    this.entries.set(entry.clientMsgId, entry);
    this.changed();
  }

  private async remove(clientMsgId: string): Promise<void> {
    if (!this.entries.delete(clientMsgId)) return;
    this.changed();
    await this.options.store.delete(clientMsgId);
  }

  /** Sends pending entries in order, up to `window` at once, while online and holding the lock. */
  private pump(): void {
    if (!this.online || Date.now() < this.retryAfter) return;
    if (this.pumping) {
      // Already running: make it look at the entries again (a new one, a retry, a reload).
      this.pumpAgain = true;
      this.wake?.();
      return;
    }
    this.pumping = true;
    void this.runPump().finally(() => {
      this.pumping = false;
      if (this.pumpAgain) this.pump();
    });
  }

  private async runPump(): Promise<void> {
    const release = await this.options.lock.acquire();
    try {
      while (this.online && Date.now() >= this.retryAfter) {
        this.pumpAgain = false;
        for (const entry of this.entries.values()) {
          if (this.inFlight.size >= this.window) break;
          if (entry.status === 'pending' && !this.inFlight.has(entry.clientMsgId)) this.start(entry);
        }
        if (this.inFlight.size === 0 && !this.pumpAgain) break;
        await Promise.race([...this.inFlight.values(), new Promise<void>((r) => (this.wake = r))]);
        this.wake = null;
      }
    } finally {
      release();
    }
  }

  private start(entry: PendingMessage): void {
    const id = entry.clientMsgId;
    this.replace({ ...entry, status: 'sending' });
    const done = this.options
      .send(entry)
      .then(
        (message) => this.onAck(id, message),
        (error: unknown) => this.onError(id, error),
      )
      .finally(() => {
        this.inFlight.delete(id);
      });
    this.inFlight.set(id, done);
  }

  private async onAck(clientMsgId: string, message: Message): Promise<void> {
    this.failures = 0;
    this.window = Math.min(this.maxWindow, this.window * 2);
    this.emit('delivered', message);
    await this.remove(clientMsgId);
  }

  private async onError(clientMsgId: string, error: unknown): Promise<void> {
    const entry = this.entries.get(clientMsgId);
    if (!entry) return;
    const body: ErrorBody =
      error instanceof ChatError ? error.toBody() : { code: ErrorCode.INTERNAL, message: String(error) };
    if (FINAL_CODES.has(body.code)) {
      const failed: PendingMessage = { ...entry, status: 'failed', error: body };
      this.replace(failed);
      await this.options.store.put(failed);
      return;
    }
    // Kept for a later try: after reconnect, or after a pause that grows with each failure
    // (500 ms doubling to 30 s) so a server that keeps failing is not hammered.
    this.replace({ ...entry, status: 'pending' });
    this.window = 1;
    if (!this.online) return; // the next ready connection resends it
    this.failures++;
    const pause = body.retryAfterMs ?? Math.min(30_000, 250 * 2 ** this.failures);
    this.retryAfter = Date.now() + pause;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      // Timers may fire a millisecond before Date.now() reaches the deadline: clear it here.
      this.retryAfter = 0;
      this.pump();
    }, pause);
  }
}
