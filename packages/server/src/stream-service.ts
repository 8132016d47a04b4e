import { randomUUID } from 'node:crypto';
import { ChatError } from '@segmentchat/protocol';
import type { ParsedParams, RequestResult, ServerEvent, SignalPayload, Stream } from '@segmentchat/protocol';
import type { Bus, BusMessage } from './bus.ts';
import type { ChannelService } from './channel-service.ts';
import type { CommitBatcher } from './commit-batcher.ts';
import type { Connection } from './connection.ts';
import { newId } from './new-id.ts';
import type { Store, UserRow } from './store.ts';
import type { StreamRelay } from './stream-relay.ts';

interface Viewer {
  userId: string;
  mode: 'direct' | 'relay';
}

interface Live {
  stream: Stream;
  /** The streamer's connection: the stream lives as long as it does. */
  connectionId: string;
  /** By connection id: one user may watch from two tabs. */
  viewers: Map<string, Viewer>;
}

/** The same answer for "no such stream" and "you may not see it". */
const noStream = () => ChatError.notFound('No such stream');

/**
 * Live camera streams, kept in memory (a stream ends with its streamer's connection, so there is
 * nothing to persist but the channel's start/end messages). The service decides how each viewer
 * gets the stream: straight from the streamer while fewer than `directMax` watch that way, else
 * through the server's relay. It is also the gate for every stream signal and relay link: a
 * viewer must be able to read the channel when joining and at each signal, so a member removed
 * from a private channel loses the stream at the next step.
 */
export class StreamService {
  private readonly live = new Map<string, Live>();
  private readonly byChannel = new Map<string, string>();
  private readonly hooked = new WeakSet<Connection>();

  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
    private readonly channels: ChannelService,
    private readonly batcher: CommitBatcher,
    /** Viewers served straight by the streamer's browser before the relay takes the rest. */
    private readonly directMax: number,
    private readonly relay: StreamRelay | null,
  ) {
    // A member removed from a channel stops viewing it (or streaming to it) at once.
    bus.subscribe((m) => {
      if (m.kind === 'membership' && !m.joined) void this.membershipLost(m.userId, m.channelId);
    });
  }

  async start(user: UserRow, connection: Connection, channelId: string): Promise<Stream> {
    if (user.role === 'visitor') throw ChatError.forbidden('Visitors cannot stream; register first');
    const c = await this.channels.joined(user, channelId);
    if (c.kind !== 'channel') throw ChatError.invalid('Streams are for channels');
    const current = this.byChannel.get(c.id);
    if (current !== undefined) {
      const l = this.live.get(current)!;
      if (l.connectionId === connection.id) return l.stream;
      throw ChatError.conflict('This channel is live already');
    }
    const stream: Stream = {
      id: newId(),
      channelId: c.id,
      streamerId: user.id,
      streamerName: user.username,
      startedAt: Date.now(),
      viewers: 0,
      relayed: 0,
    };
    this.live.set(stream.id, { stream, connectionId: connection.id, viewers: new Map() });
    this.byChannel.set(c.id, stream.id);
    this.hook(connection);
    this.announce(this.live.get(stream.id)!, { type: 'stream.started', stream });
    await this.systemMessage(user, c.id, `${user.username} started a live stream`);
    return stream;
  }

  async stop(user: UserRow, streamId: string): Promise<void> {
    const l = this.live.get(streamId);
    if (!l || l.stream.streamerId !== user.id) throw noStream();
    await this.end(l);
  }

  async join(
    user: UserRow,
    connection: Connection,
    p: ParsedParams<'stream.join'>,
  ): Promise<RequestResult<'stream.join'>> {
    const l = await this.visible(user, p.streamId);
    if (l.stream.streamerId === user.id && l.connectionId === connection.id)
      throw ChatError.invalid('You are the streamer');
    const before = l.viewers.get(connection.id);
    const direct = [...l.viewers.entries()].filter(([id, v]) => v.mode === 'direct' && id !== connection.id);
    // Direct signals go through the signal relay, which only links users who share a channel;
    // a reader of a public channel who never joined it is served by the relay straight away.
    const canSignal = await this.store.shareChannel(user.id, l.stream.streamerId);
    const mode =
      (!p.relay && canSignal && direct.length < this.directMax) || !this.relay ? 'direct' : 'relay';
    if (before?.mode === 'relay' && mode === 'direct') this.relay?.dropViewer(l.stream.id, connection.id);
    l.viewers.set(connection.id, { userId: user.id, mode });
    this.hook(connection);
    this.recount(l);
    return { stream: l.stream, mode };
  }

  leave(connectionId: string, streamId: string): void {
    const l = this.live.get(streamId);
    if (!l) return;
    const v = l.viewers.get(connectionId);
    if (!v) return;
    l.viewers.delete(connectionId);
    if (v.mode === 'relay') this.relay?.dropViewer(l.stream.id, connectionId);
    this.recount(l);
  }

  /** Live streams in channels the user can read. */
  async list(user: UserRow): Promise<Stream[]> {
    const out: Stream[] = [];
    for (const l of this.live.values()) {
      if (await this.canRead(user, l.stream.channelId)) out.push(l.stream);
    }
    return out;
  }

  /**
   * Gate for `signal` on topic `stream:<id>`: only between the streamer's connection and a
   * viewer that joined for a direct link and can still read the channel.
   */
  async checkSignal(user: UserRow, connectionId: string, p: ParsedParams<'signal'>): Promise<void> {
    const l = this.live.get(p.topic.slice('stream:'.length));
    if (!l) throw noStream();
    if (user.id === l.stream.streamerId && connectionId === l.connectionId) {
      const target = [...l.viewers.entries()].find(
        ([id, v]) => v.userId === p.to && (p.toConnection === undefined || p.toConnection === id),
      );
      const viewer = target && (await this.store.findUserById(target[1].userId));
      if (!viewer || !(await this.canRead(viewer, l.stream.channelId))) throw noStream();
      return;
    }
    const me = l.viewers.get(connectionId);
    if (!me || me.userId !== user.id || !(await this.canRead(user, l.stream.channelId))) throw noStream();
    if (p.to !== l.stream.streamerId || (p.toConnection !== undefined && p.toConnection !== l.connectionId))
      throw noStream();
  }

  /** `stream.relay`: the streamer's upstream, or a relayed viewer's downstream. */
  async relaySignal(
    user: UserRow,
    connection: Connection,
    p: ParsedParams<'stream.relay'>,
  ): Promise<{ payload?: SignalPayload }> {
    const l = this.live.get(p.streamId);
    if (!l || !this.relay) throw noStream();
    if (user.id === l.stream.streamerId && connection.id === l.connectionId) {
      const answer = await this.relay.publish(l.stream.id, p.payload);
      return answer ? { payload: answer } : {};
    }
    const me = l.viewers.get(connection.id);
    if (!me || me.userId !== user.id || !(await this.canRead(user, l.stream.channelId))) throw noStream();
    if (me.mode !== 'relay') throw ChatError.invalid('Join with relay first');
    const answer = await this.relay.view(l.stream.id, connection.id, p.payload);
    return answer ? { payload: answer } : {};
  }

  /** Live streams now (for /metrics and tests). */
  get count(): number {
    return this.live.size;
  }

  /** Prometheus lines for /metrics: live streams, viewers per path, packets the relay forwarded. */
  render(): string {
    let viewers = 0;
    let relayed = 0;
    for (const l of this.live.values()) {
      viewers += l.stream.viewers;
      relayed += l.stream.relayed ?? 0;
    }
    const line = (name: string, type: 'gauge' | 'counter', help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`;
    return (
      line('segmentchat_streams_live', 'gauge', 'Live camera streams.', this.live.size) +
      line('segmentchat_stream_viewers', 'gauge', 'Viewers of live streams, both paths.', viewers) +
      line('segmentchat_stream_relayed_viewers', 'gauge', "Viewers served by the server's relay.", relayed) +
      line(
        'segmentchat_stream_relay_packets_total',
        'counter',
        'RTP packets the relay wrote to viewers.',
        this.relay?.forwarded ?? 0,
      )
    );
  }

  close(): void {
    for (const l of this.live.values()) this.relay?.end(l.stream.id);
    this.live.clear();
    this.byChannel.clear();
  }

  private async visible(user: UserRow, streamId: string): Promise<Live> {
    const l = this.live.get(streamId);
    if (!l || !(await this.canRead(user, l.stream.channelId))) throw noStream();
    return l;
  }

  private async canRead(user: UserRow, channelId: string): Promise<boolean> {
    try {
      await this.channels.readable(user, channelId);
      return true;
    } catch {
      return false;
    }
  }

  /** Ends streams and views of a connection when it closes (the streamer's tab went away). */
  private hook(connection: Connection): void {
    if (this.hooked.has(connection)) return;
    this.hooked.add(connection);
    connection.ws.once('close', () => {
      for (const l of [...this.live.values()]) {
        if (l.connectionId === connection.id) void this.end(l).catch(() => {});
        else this.leave(connection.id, l.stream.id);
      }
    });
  }

  private async membershipLost(userId: string, channelId: string): Promise<void> {
    const streamId = this.byChannel.get(channelId);
    const l = streamId === undefined ? undefined : this.live.get(streamId);
    if (!l) return;
    if (l.stream.streamerId === userId) return this.end(l);
    const user = await this.store.findUserById(userId);
    if (user && (await this.canRead(user, channelId))) return;
    for (const [id, v] of [...l.viewers]) if (v.userId === userId) this.leave(id, l.stream.id);
  }

  private async end(l: Live): Promise<void> {
    if (this.live.get(l.stream.id) !== l) return;
    this.live.delete(l.stream.id);
    this.byChannel.delete(l.stream.channelId);
    this.relay?.end(l.stream.id);
    this.announce(l, { type: 'stream.ended', streamId: l.stream.id, channelId: l.stream.channelId });
    const minutes = Math.round((Date.now() - l.stream.startedAt) / 60_000);
    const streamer = await this.store.findUserById(l.stream.streamerId);
    if (streamer)
      await this.systemMessage(
        streamer,
        l.stream.channelId,
        `${streamer.username}'s live stream ended` + (minutes >= 1 ? ` after ${minutes} min` : ''),
      );
  }

  private recount(l: Live): void {
    const relayed = [...l.viewers.values()].filter((v) => v.mode === 'relay').length;
    if (l.stream.viewers === l.viewers.size && l.stream.relayed === relayed) return;
    l.stream = { ...l.stream, viewers: l.viewers.size, relayed };
    this.announce(l, { type: 'stream.updated', stream: l.stream });
  }

  /**
   * To the channel's subscribers, and to each viewer's connection on its own: a reader of a
   * public channel who never joined it is not subscribed to the channel but must still learn
   * that the stream ended. Viewers are left out of the channel fan-out so nobody gets it twice.
   */
  private announce(l: Live, event: ServerEvent): void {
    const viewers = [...l.viewers.entries()];
    const message: BusMessage = {
      kind: 'channel',
      channelId: l.stream.channelId,
      event,
      ...(viewers.length > 0 ? { exceptConnections: viewers.map(([id]) => id) } : {}),
    };
    this.bus.publish(message);
    for (const [connectionId, v] of viewers)
      this.bus.publish({ kind: 'user', userId: v.userId, connectionId, event });
  }

  /** "alice started a live stream": a system message in the channel's history. */
  private async systemMessage(user: UserRow, channelId: string, text: string): Promise<void> {
    const r = await this.batcher.append({
      id: newId(),
      channelId,
      authorId: user.id,
      authorName: user.username,
      clientMsgId: randomUUID(),
      kind: 'system',
      text,
      attachments: [],
      createdAt: Date.now(),
    });
    if (r.status === 'created')
      this.bus.publish({ kind: 'channel', channelId, event: { type: 'message.new', message: r.message } });
  }
}
