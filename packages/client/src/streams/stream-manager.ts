import { ChatError } from '@segmentchat/protocol';
import type { ServerEvent, Stream } from '@segmentchat/protocol';
import { StreamBroadcast } from './stream-broadcast.ts';
import type { StreamContext } from './stream-context.ts';
import { StreamViewer } from './stream-viewer.ts';

/**
 * Live streams for the client: which channels are live (from `hello` and `stream.*` events),
 * this client's own broadcast, and the streams it watches. Signals on `stream:` topics are
 * routed here; the peer manager ignores them.
 */
export class StreamManager {
  private readonly live = new Map<string, Stream>();
  private broadcastValue: StreamBroadcast | null = null;
  private readonly viewers = new Map<string, StreamViewer>();
  private snapshot: readonly Stream[] = [];

  constructor(private readonly ctx: StreamContext) {}

  /** Whether this runtime can stream or watch (a browser with WebRTC). */
  get supported(): boolean {
    return this.ctx.rtc !== null;
  }

  /** Live streams in the channels this client can see; a stable array between changes. */
  list(): readonly Stream[] {
    return this.snapshot;
  }

  inChannel(channelId: string): Stream | undefined {
    for (const s of this.live.values()) if (s.channelId === channelId) return s;
    return undefined;
  }

  get broadcast(): StreamBroadcast | null {
    return this.broadcastValue;
  }

  viewer(streamId: string): StreamViewer | undefined {
    return this.viewers.get(streamId);
  }

  /** Goes live in a channel with the given camera/microphone stream. */
  async start(channelId: string, media: MediaStream): Promise<StreamBroadcast> {
    if (!this.ctx.rtc) throw ChatError.invalid('This runtime has no WebRTC');
    if (this.broadcastValue && !this.broadcastValue.ended) throw ChatError.conflict('Already live');
    const { stream } = await this.ctx.request('stream.start', { channelId });
    const b = new StreamBroadcast(this.ctx, stream, media);
    this.broadcastValue = b;
    b.on('ended', () => {
      if (this.broadcastValue === b) this.broadcastValue = null;
      this.drop(stream.id);
    });
    this.put(stream);
    return b;
  }

  /** Starts watching (or watches again after leaving). */
  async watch(streamId: string): Promise<StreamViewer> {
    if (!this.ctx.rtc) throw ChatError.invalid('This runtime has no WebRTC');
    const stream = this.live.get(streamId);
    if (!stream) throw ChatError.notFound('No such stream');
    const current = this.viewers.get(streamId);
    if (current && (current.state === 'connecting' || current.state === 'playing')) return current;
    const v = new StreamViewer(this.ctx, stream);
    this.viewers.set(streamId, v);
    this.ctx.changed();
    try {
      await v.start();
    } catch (e) {
      if (this.viewers.get(streamId) === v) this.viewers.delete(streamId);
      this.ctx.changed();
      throw e;
    }
    return v;
  }

  async leave(streamId: string): Promise<void> {
    const v = this.viewers.get(streamId);
    if (!v) return;
    await v.leave();
  }

  /** After every `hello`: the live streams now. A broadcast that did not survive the reconnect ends. */
  onReady(streams: readonly Stream[]): void {
    this.live.clear();
    for (const s of streams) this.live.set(s.id, s);
    const b = this.broadcastValue;
    if (b && !this.live.has(b.stream.id)) b.end();
    for (const [id, v] of this.viewers) if (!this.live.has(id)) v.onEnded();
    this.refresh();
  }

  onEvent(event: ServerEvent): void {
    if (event.type === 'stream.started' || event.type === 'stream.updated') {
      this.put(event.stream);
      if (this.broadcastValue?.stream.id === event.stream.id) this.broadcastValue.onUpdated(event.stream);
      this.viewers.get(event.stream.id)?.onUpdated(event.stream);
    } else if (event.type === 'stream.ended') {
      this.drop(event.streamId);
      if (this.broadcastValue?.stream.id === event.streamId) this.broadcastValue.end();
      this.viewers.get(event.streamId)?.onEnded();
    } else if (event.type === 'signal' && event.topic.startsWith('stream:')) {
      const streamId = event.topic.slice('stream:'.length);
      if (this.broadcastValue?.stream.id === streamId) this.broadcastValue.onSignal(event);
      else this.viewers.get(streamId)?.onSignal(event);
    }
  }

  /** The client closed or the session ended: everything stops here. */
  close(): void {
    this.broadcastValue?.end();
    for (const v of this.viewers.values()) v.onEnded();
    this.live.clear();
    this.refresh();
  }

  private put(stream: Stream): void {
    this.live.set(stream.id, stream);
    this.refresh();
  }

  private drop(streamId: string): void {
    if (this.live.delete(streamId)) this.refresh();
  }

  private refresh(): void {
    this.snapshot = [...this.live.values()];
    this.ctx.changed();
  }
}
