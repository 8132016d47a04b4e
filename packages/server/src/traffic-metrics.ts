import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Peer-to-peer and traffic numbers for `/metrics`: how much DM traffic still passes through the
 * server (a direct DM adds nothing here, which is how a test proves it went peer to peer), what
 * hosts relay, and the bytes the server writes to its sockets, so "bytes sent per message" is
 * `segmentchat_bytes_sent_total / segmentchat_messages_total`.
 */
export class TrafficMetrics {
  /** `message.send` requests in DM channels, and their bytes in plus the `message.new` bytes out. */
  dmFrames = 0;
  dmBytes = 0;
  signals = 0;
  relayBatches = 0;
  relayedMessages = 0;
  private closedBytes = 0;
  private readonly open = new Set<Socket>();
  private readonly dmChannels = new Map<string, boolean>();

  constructor(private readonly isDm: (channelId: string) => Promise<boolean>) {}

  /** Counts a stored `message.send` if its channel is a DM (looked up once per channel). */
  async noteSend(channelId: string, bytesIn: number, eventBytes: number): Promise<void> {
    let dm = this.dmChannels.get(channelId);
    if (dm === undefined) this.dmChannels.set(channelId, (dm = await this.isDm(channelId)));
    if (!dm) return;
    this.dmFrames++;
    this.dmBytes += bytesIn + eventBytes;
  }

  /** Counts every byte the HTTP server writes, WebSocket frames included (TCP payload). */
  watch(server: Server): void {
    // One listener for all sockets (it gets the socket as `this`): a closure and a `once`
    // wrapper per socket would cost every idle connection a few hundred bytes.
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listener's `this` is the socket
    const metrics = this;
    function closed(this: Socket): void {
      metrics.open.delete(this);
      metrics.closedBytes += this.bytesWritten;
    }
    server.on('connection', (socket: Socket) => {
      this.open.add(socket);
      socket.on('close', closed);
    });
  }

  get bytesSent(): number {
    let n = this.closedBytes;
    for (const s of this.open) n += s.bytesWritten;
    return n;
  }

  render(): string {
    const counter = (name: string, help: string, value: number) =>
      `# HELP ${name} ${help}\n# TYPE ${name} counter\n${name} ${value}\n`;
    return (
      counter(
        'segmentchat_dm_frames_total',
        'Direct messages that went through the server (message.send in a DM).',
        this.dmFrames,
      ) +
      counter(
        'segmentchat_dm_bytes_total',
        'Bytes of those DM requests and of their message.new events.',
        this.dmBytes,
      ) +
      counter('segmentchat_signals_total', 'WebRTC signaling frames relayed.', this.signals) +
      counter(
        'segmentchat_host_relay_batches_total',
        'host.relay batches from channel hosts.',
        this.relayBatches,
      ) +
      counter(
        'segmentchat_host_relayed_messages_total',
        'Messages stored from host.relay.',
        this.relayedMessages,
      ) +
      counter(
        'segmentchat_bytes_sent_total',
        'Bytes written to client sockets (HTTP and WebSocket).',
        this.bytesSent,
      )
    );
  }
}
