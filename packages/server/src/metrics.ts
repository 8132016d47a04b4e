/**
 * Latency buckets in seconds: a commit's fsync on SSD is ~0.1-2 ms, on a slow disk 10-50 ms; a
 * fan-out to 1,000 members is 1-20 ms of socket writes.
 */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A Prometheus histogram of durations in seconds over `LATENCY_BUCKETS`. */
class SecondsHistogram {
  private readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;

  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) if (seconds <= LATENCY_BUCKETS[i]!) this.counts[i]!++;
  }

  render(name: string, help: string): string[] {
    return [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} histogram`,
      ...LATENCY_BUCKETS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** One gauge or counter in Prometheus text format: its help, its type and its value. */
function series(name: string, type: 'gauge' | 'counter', help: string, value: number): string[] {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`];
}

/**
 * The server's numbers, written in Prometheus text format. Rates (messages per second) come from
 * `rate(segmentchat_messages_total[1m])` on the counter, the Prometheus way.
 */
export class Metrics {
  connections = 0;
  messagesTotal = 0;
  framesIn = 0;
  frameErrors = 0;
  commitBatches = 0;
  /** `sync` pages (hello's included) read from the store, and the messages they held. */
  syncPagesRead = 0;
  syncMessagesRead = 0;
  /** `sync` pages served from the shared page cache: store reads a storm did not spend. */
  syncPagesShared = 0;
  /** Messages stored per second over the last 10 whole seconds, for people reading /metrics raw. */
  private readonly perSecond = new Array<number>(11).fill(0);
  private perSecondAt = Math.floor(Date.now() / 1000);
  private readonly commitSeconds = new SecondsHistogram();
  private readonly fanoutSeconds = new SecondsHistogram();
  private fanoutWriteSeconds = 0;
  private fanoutWrites = 0;

  observeCommit(seconds: number, messages: number): void {
    this.commitBatches++;
    this.messagesTotal += messages;
    this.advance();
    this.perSecond[this.perSecondAt % this.perSecond.length]! += messages;
    this.commitSeconds.observe(seconds);
  }

  /**
   * One channel's batch of events written to its members: `waitedSeconds` from its first event
   * being queued (after its commit) until the last member's write, of which `writeSeconds` was
   * spent writing to `writes` sockets. What a message's last reader waits for in the server,
   * past the commit, and what one socket write costs: the two halves of fan-out latency.
   */
  observeFanout(waitedSeconds: number, writeSeconds: number, writes: number): void {
    this.fanoutSeconds.observe(waitedSeconds);
    this.fanoutWriteSeconds += writeSeconds;
    this.fanoutWrites += writes;
  }

  /** Clears the slots of seconds that passed with no commit. */
  private advance(): void {
    const now = Math.floor(Date.now() / 1000);
    for (let t = Math.max(this.perSecondAt + 1, now - this.perSecond.length); t <= now; t++)
      this.perSecond[t % this.perSecond.length] = 0;
    this.perSecondAt = Math.max(this.perSecondAt, now);
  }

  /** Average over the 10 complete seconds before the current one. */
  messagesPerSecond(): number {
    this.advance();
    const len = this.perSecond.length;
    let sum = 0;
    for (let i = 1; i < len; i++) sum += this.perSecond[(this.perSecondAt - i + len) % len]!;
    return sum / (len - 1);
  }

  render(): string {
    const lines = [
      ...series(
        'segmentchat_messages_per_second',
        'gauge',
        'Messages stored per second, averaged over the last 10 s.',
        this.messagesPerSecond(),
      ),
      ...series('segmentchat_connections', 'gauge', 'Open WebSocket connections.', this.connections),
      ...series('segmentchat_messages_total', 'counter', 'Messages stored.', this.messagesTotal),
      ...series('segmentchat_frames_total', 'counter', 'WebSocket frames received.', this.framesIn),
      ...series(
        'segmentchat_frame_errors_total',
        'counter',
        'Frames refused (invalid, unknown, too large, rate limited).',
        this.frameErrors,
      ),
      ...series(
        'segmentchat_sync_pages_read_total',
        'counter',
        'Sync pages (hello included) read from the store.',
        this.syncPagesRead,
      ),
      ...series(
        'segmentchat_sync_messages_read_total',
        'counter',
        'Messages read from the store for those pages.',
        this.syncMessagesRead,
      ),
      ...series(
        'segmentchat_sync_pages_shared_total',
        'counter',
        'Sync pages served from the page cache, without a store read.',
        this.syncPagesShared,
      ),
      ...this.commitSeconds.render(
        'segmentchat_store_commit_seconds',
        'Time to commit one batch of messages.',
      ),
      ...this.fanoutSeconds.render(
        'segmentchat_fanout_seconds',
        "From a channel's first queued event to its last member written (the hold, the wait for a turn, the writes).",
      ),
      ...series(
        'segmentchat_fanout_writes_total',
        'counter',
        'Socket writes of channel events to members.',
        this.fanoutWrites,
      ),
      ...series(
        'segmentchat_fanout_write_seconds_total',
        'counter',
        'Time spent in those writes.',
        this.fanoutWriteSeconds,
      ),
      ...series('process_resident_memory_bytes', 'gauge', 'Resident memory.', process.memoryUsage().rss),
    ];
    return lines.join('\n') + '\n';
  }
}
