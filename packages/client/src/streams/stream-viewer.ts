import type { EventPayload, Stream } from '@segmentchat/protocol';
import { TypedEmitter } from '../typed-emitter.ts';
import { SignalQueue, plain } from './stream-context.ts';
import type { StreamContext } from './stream-context.ts';

type SignalEvent = EventPayload<'signal'>;

export type ViewerState = 'connecting' | 'playing' | 'ended' | 'left' | 'failed';

export type ViewerEvents = {
  change: () => void;
};

/**
 * A direct link that has not connected in this time is given up for the relay. ICE on a LAN or
 * through STUN settles in well under 2 s; 8 s leaves room for a slow TURN allocation.
 */
const DIRECT_TIMEOUT_MS = 8_000;

/**
 * Watching one live stream. The server says how (`stream.join`'s mode): straight from the
 * streamer, negotiated over `signal` on topic `stream:<id>`, or through the server's relay with
 * `stream.relay`. Either way the viewer offers a receive-only link. A direct link that fails or
 * does not connect in time is replaced by the relay, which the viewer then asks for.
 */
export class StreamViewer extends TypedEmitter<ViewerEvents> {
  readonly media: MediaStream;
  private pc: RTCPeerConnection | null = null;
  private queue = new SignalQueue();
  private stateValue: ViewerState = 'connecting';
  private modeValue: 'direct' | 'relay' | null = null;
  private streamerConnection: string | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ctx: StreamContext,
    public stream: Stream,
  ) {
    super();
    this.media = new MediaStream();
  }

  get state(): ViewerState {
    return this.stateValue;
  }
  get mode(): 'direct' | 'relay' | null {
    return this.modeValue;
  }

  async start(): Promise<void> {
    const r = await this.ctx.request('stream.join', { streamId: this.stream.id });
    this.stream = r.stream;
    if (this.stateValue !== 'connecting') return;
    await this.connect(r.mode);
  }

  /** Leaves the stream; `start()` again to come back. */
  async leave(): Promise<void> {
    if (this.stateValue === 'ended' || this.stateValue === 'left') return;
    this.close('left');
    await this.ctx.request('stream.leave', { streamId: this.stream.id }).catch(() => {});
  }

  /** From the manager: a signal from the streamer on this stream's topic. */
  onSignal(e: SignalEvent): void {
    const pc = this.pc;
    if (!pc || this.modeValue !== 'direct' || e.from !== this.stream.streamerId) return;
    const { kind, data } = e.payload;
    if (kind === 'answer') {
      this.streamerConnection = e.fromConnection;
      this.queue.run(() => pc.setRemoteDescription(data as RTCSessionDescriptionInit));
    } else if (kind === 'ice') {
      this.queue.run(() => pc.addIceCandidate(data as RTCIceCandidateInit));
    } else if (kind === 'bye') {
      void this.fallBackToRelay();
    }
  }

  onUpdated(stream: Stream): void {
    this.stream = stream;
    this.changedNow();
  }

  /** From the manager: the server says the stream is over. */
  onEnded(): void {
    this.close('ended');
  }

  private async connect(mode: 'direct' | 'relay'): Promise<void> {
    this.modeValue = mode;
    this.changedNow();
    const pc = new this.ctx.rtc!({ iceServers: this.ctx.iceServers() as RTCIceServer[] });
    this.pc = pc;
    this.queue = new SignalQueue();
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.ontrack = ({ track }) => {
      for (const t of this.media.getTracks()) if (t.kind === track.kind) this.media.removeTrack(t);
      this.media.addTrack(track);
      this.changedNow();
    };
    pc.onconnectionstatechange = () => {
      if (this.pc !== pc) return;
      if (pc.connectionState === 'connected') {
        this.clearTimer();
        this.setState('playing');
      } else if (pc.connectionState === 'failed') {
        if (this.modeValue === 'direct') void this.fallBackToRelay();
        else this.close('failed');
      }
    };
    if (mode === 'direct') {
      this.timer = setTimeout(() => void this.fallBackToRelay(), DIRECT_TIMEOUT_MS);
      await this.offerDirect(pc);
    } else {
      await this.offerRelay(pc);
    }
  }

  private async offerDirect(pc: RTCPeerConnection): Promise<void> {
    const topic = `stream:${this.stream.id}`;
    const to = this.stream.streamerId;
    // One after another: the server handles a connection's frames concurrently, and a candidate
    // that overtook the offer would be dropped by the streamer.
    const outbox = new SignalQueue();
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      outbox.run(() =>
        this.ctx.request('signal', {
          to,
          ...(this.streamerConnection !== undefined ? { toConnection: this.streamerConnection } : {}),
          topic,
          payload: { kind: 'ice', data: plain(candidate) },
        }),
      );
    };
    await pc.setLocalDescription(await pc.createOffer());
    outbox.run(() =>
      this.ctx
        .request('signal', { to, topic, payload: { kind: 'offer', data: plain(pc.localDescription!) } })
        .catch(() => this.fallBackToRelay()),
    );
  }

  private async offerRelay(pc: RTCPeerConnection): Promise<void> {
    const streamId = this.stream.id;
    // Candidates wait for the answer: sent earlier, they could reach the relay before the offer.
    const early: RTCIceCandidate[] = [];
    let answered = false;
    const send = (c: RTCIceCandidate) =>
      void this.ctx
        .request('stream.relay', { streamId, payload: { kind: 'ice', data: plain(c) } })
        .catch(() => {});
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      if (answered) send(candidate);
      else early.push(candidate);
    };
    await pc.setLocalDescription(await pc.createOffer());
    try {
      const r = await this.ctx.request('stream.relay', {
        streamId,
        payload: { kind: 'offer', data: plain(pc.localDescription!) },
      });
      if (this.pc !== pc || !r.payload) return;
      await pc.setRemoteDescription(r.payload.data as RTCSessionDescriptionInit);
      answered = true;
      for (const c of early.splice(0)) send(c);
    } catch {
      if (this.pc === pc) this.close('failed');
    }
  }

  /** The direct link failed: ask the server for the relay and use it instead. */
  private async fallBackToRelay(): Promise<void> {
    if (this.modeValue !== 'direct' || this.stateValue === 'ended' || this.stateValue === 'left') return;
    this.clearTimer();
    const old = this.pc;
    this.pc = null;
    old?.close();
    this.modeValue = 'relay';
    this.setState('connecting');
    try {
      const r = await this.ctx.request('stream.join', { streamId: this.stream.id, relay: true });
      this.stream = r.stream;
      await this.connect(r.mode);
    } catch {
      this.close('failed');
    }
  }

  private close(state: ViewerState): void {
    this.clearTimer();
    this.pc?.close();
    this.pc = null;
    for (const t of this.media.getTracks()) {
      t.stop();
      this.media.removeTrack(t);
    }
    this.setState(state);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: ViewerState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.changedNow();
  }

  private changedNow(): void {
    this.emit('change');
    this.ctx.changed();
  }
}
