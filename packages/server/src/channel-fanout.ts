import type { Connection } from './connection.ts';
import type { Metrics } from './metrics.ts';
import { textFrame } from './text-frame.ts';

/**
 * How long a big channel's events may wait for company, as a multiple of what its last batch
 * took to write. Writing is one syscall per member whatever the batch holds, so waiting k times
 * that long keeps fan-out below 1/(k+1) of a core per channel and puts more messages in each
 * write as the channel gets busier.
 */
const HOLD_PER_WRITE_TIME = 2;
/** Below this the hold is not worth a timer: the next turn comes sooner. */
const HOLD_MIN_MS = 0.5;

/** A channel's queued events and when it last wrote. */
interface ChannelQueue {
  events: string[];
  /** `performance.now()` when the first of `events` was queued. */
  queuedAt: number;
  /** Waiting for the next flush (the next turn, or the hold timer). */
  scheduled: boolean;
  /** When scheduled: the `performance.now()` it is due at, and its timer if it is held. */
  dueAt: number;
  timer: NodeJS.Timeout | undefined;
  /** `performance.now()` at the end of its last write, and how long that write took. */
  wroteAt: number;
  holdMs: number;
  /**
   * Connections that subscribed while events were queued, with how many of `events` came before
   * (and so are not theirs: what they read on subscribing already counts them).
   */
  joinedAt: Map<Connection, number> | undefined;
}

/**
 * Coalesces events into as few WebSocket frames as possible, each a JSON array (the protocol
 * allows a frame to be an object or an array of them):
 *
 * - A channel's events of one event-loop turn become one frame, built once and written as the
 *   same bytes to every member. A grouped commit publishes a whole batch of messages in one
 *   turn, so they share one write per member.
 * - A big channel (one whose last write took over `HOLD_MIN_MS / HOLD_PER_WRITE_TIME`) written
 *   moments ago holds new events for a few milliseconds, so a busy room's messages share writes
 *   across turns too. Per-delivery cost is mostly the write syscall (about 1–6 us on loopback,
 *   whatever the frame holds), so this is what takes a 1,000-member room below a microsecond per
 *   delivery; a quiet room, or a small one, is written on the next turn as before.
 * - An event pushed with patience (a join or a leave in a big channel) may wait that long for
 *   company: a class of n walking into a channel of n would otherwise cost n writes per join.
 *   It goes out with the channel's next write, in order, or when its patience runs out.
 * - Events addressed to connections rather than a channel (presence, typing) are queued per
 *   connection and written with that turn's flush, one frame per connection, instead of one
 *   write per event: a thousand clients reconnecting at once would otherwise cost a million
 *   writes of presence alone. An event with a key replaces the queued one with the same key
 *   (a user's presence: only the latest status matters).
 */
export class ChannelFanout {
  private readonly channels = new Map<string, ChannelQueue>();
  /** Channels due at the next flush. */
  private due: string[] = [];
  private direct = new Map<Connection, Map<string, string>>();
  private flushScheduled = false;
  private unkeyed = 0;

  constructor(
    private readonly members: (channelId: string) => Iterable<Connection> | undefined,
    /** The most an event waits for company (`ServerConfig.fanoutHoldMs`; 0: never held). */
    private readonly holdMaxMs = 4,
    private readonly metrics?: Pick<Metrics, 'observeFanout'>,
    /**
     * Milliseconds, as `performance.now()`. Tests pass a clock their writes move, so whether a
     * write was slow enough to hold its channel does not depend on how busy the machine is.
     */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Queues one serialized event for every member of the channel, to be written on the next turn
   * (or when a held channel's hold ends), or within `patienceMs` at the latest.
   */
  push(channelId: string, json: string, patienceMs = 0): void {
    let q = this.channels.get(channelId);
    if (!q)
      this.channels.set(
        channelId,
        (q = {
          events: [],
          queuedAt: 0,
          scheduled: false,
          dueAt: 0,
          timer: undefined,
          wroteAt: 0,
          holdMs: 0,
          joinedAt: undefined,
        }),
      );
    const now = this.now();
    if (q.events.length === 0) q.queuedAt = now;
    q.events.push(json);
    const wait = Math.max(patienceMs, q.wroteAt + q.holdMs - now);
    if (q.scheduled && now + wait >= q.dueAt) return; // due no later already
    this.unhold(q);
    q.scheduled = true;
    q.dueAt = now + wait;
    if (wait < HOLD_MIN_MS) return this.schedule(channelId);
    q.timer = setTimeout(() => {
      q.timer = undefined;
      this.due.push(channelId);
      this.flush();
    }, wait);
  }

  /**
   * A connection joined the channel's members: it gets the events queued from now on, not those
   * queued before (a member count it was just told already includes their joins).
   */
  subscribed(conn: Connection, channelId: string): void {
    const q = this.channels.get(channelId);
    if (q?.scheduled) (q.joinedAt ??= new Map()).set(conn, q.events.length);
  }

  /** Queues one serialized event for each of `conns`; see the class comment for `key`. */
  pushTo(conns: Iterable<Connection>, json: string, key?: string): void {
    const k = key ?? `#${this.unkeyed++}`;
    for (const c of conns) {
      let queue = this.direct.get(c);
      if (!queue) this.direct.set(c, (queue = new Map<string, string>()));
      queue.set(k, json);
    }
    this.scheduleFlush();
  }

  /**
   * Queues a full state for one connection, dropping what it queued under keys that start with
   * `supersedes` (changes the state already holds): a change queued earlier and replaced later
   * would keep its earlier place, ahead of the state, and be undone by it.
   */
  pushSuperseding(conn: Connection, json: string, supersedes: string): void {
    const queue = this.direct.get(conn);
    if (queue) for (const k of queue.keys()) if (k.startsWith(supersedes)) queue.delete(k);
    this.pushTo([conn], json);
  }

  /** Writes everything queued now, held channels included (also called before the gateway closes). */
  flushAll(): void {
    for (const q of this.channels.values()) this.unhold(q);
    for (const [id, q] of this.channels) if (q.scheduled) this.due.push(id);
    this.flush();
  }

  /**
   * Writes now what would be written on the next turn (held channels stay held). Called once a
   * grouped commit's sends have published their messages: their readers need not wait for the
   * next turn, whose poll phase first reads and handles every socket that has data.
   */
  flushDue(): void {
    if (this.flushScheduled) this.flush();
  }

  private unhold(q: ChannelQueue): void {
    if (!q.timer) return;
    clearTimeout(q.timer);
    q.timer = undefined;
  }

  private schedule(channelId: string): void {
    this.due.push(channelId);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const due = this.due;
    this.due = [];
    for (const channelId of due) this.writeChannel(channelId);
    if (this.direct.size === 0) return;
    const direct = this.direct;
    this.direct = new Map();
    for (const [conn, queue] of direct) {
      const events = [...queue.values()];
      const bytes = payloadOf(events);
      conn.sendFrame(textFrame(bytes), bytes);
    }
  }

  private writeChannel(channelId: string): void {
    const q = this.channels.get(channelId);
    // Already written: by `flushAll`, or due twice (a patient event hurried by a later one).
    if (!q || !q.scheduled) return;
    this.unhold(q);
    const { events } = q;
    const conns = this.members(channelId);
    const started = this.now();
    let writes = 0;
    const { joinedAt } = q;
    if (conns) {
      const bytes = payloadOf(events);
      const frame = textFrame(bytes);
      for (const c of conns) {
        const from = joinedAt?.get(c);
        if (from === undefined) c.sendFrame(frame, bytes);
        else if (from < events.length) this.sendTail(c, events, from);
        else continue;
        writes++;
      }
    }
    const wroteAt = this.now();
    if (writes > 0)
      this.metrics?.observeFanout((wroteAt - q.queuedAt) / 1000, (wroteAt - started) / 1000, writes);
    const holdMs = Math.min(this.holdMaxMs, (wroteAt - started) * HOLD_PER_WRITE_TIME);
    // Only channels worth holding keep their state between batches, so a server with many
    // quiet channels does not keep an entry for each.
    if (holdMs < HOLD_MIN_MS) this.channels.delete(channelId);
    else Object.assign(q, { events: [], scheduled: false, dueAt: 0, wroteAt, holdMs, joinedAt: undefined });
  }

  /** A late subscriber's share of a batch: the events queued after it joined. */
  private sendTail(conn: Connection, events: readonly string[], from: number): void {
    const bytes = payloadOf(events.slice(from));
    conn.sendFrame(textFrame(bytes), bytes);
  }
}

/** One frame's payload: the event itself, or a JSON array of several (the protocol allows both). */
function payloadOf(events: readonly string[]): Buffer {
  return Buffer.from(events.length === 1 ? events[0]! : `[${events.join(',')}]`);
}
