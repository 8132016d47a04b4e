import type { EventPayload, Stream } from '@segmentchat/protocol';
import { TypedEmitter } from '../typed-emitter.ts';
import { SignalQueue, plain } from './stream-context.ts';
import type { StreamContext } from './stream-context.ts';

type SignalEvent = EventPayload<'signal'>;

interface DirectLink {
  pc: RTCPeerConnection;
  /** Incoming steps, applied in order. */
  queue: SignalQueue;
  /** Outgoing signals, sent in order (the answer before any candidate). */
  outbox: SignalQueue;
}

export type BroadcastEvents = {
  change: () => void;
  /** The stream is over: stopped here, ended by the server, or the connection was lost. */
  ended: () => void;
};

/**
 * The streamer's side of a live stream. Each direct viewer offers a receive-only link (topic
 * `stream:<id>`) and gets the camera tracks in the answer; when the server sends viewers to its
 * relay (`stream.relayed` > 0) one more link publishes the same tracks upstream to the relay.
 * Device changes, mute and camera-off act on the tracks and so on every link at once.
 */
export class StreamBroadcast extends TypedEmitter<BroadcastEvents> {
  private readonly direct = new Map<string, DirectLink>();
  private upstream: RTCPeerConnection | null = null;
  private publishing: Promise<void> | null = null;
  private endedValue = false;

  constructor(
    private readonly ctx: StreamContext,
    public stream: Stream,
    /** The camera and microphone; owned by the caller, which stops them when it is done. */
    readonly media: MediaStream,
  ) {
    super();
  }

  get ended(): boolean {
    return this.endedValue;
  }

  /** Viewers on a direct link now (the rest are relayed). */
  get directViewers(): number {
    return [...this.direct.values()].filter((l) => l.pc.connectionState === 'connected').length;
  }

  get publishingToRelay(): boolean {
    return this.upstream !== null;
  }

  setMuted(muted: boolean): void {
    for (const t of this.media.getAudioTracks()) t.enabled = !muted;
    this.changedNow();
  }

  setCameraOff(off: boolean): void {
    for (const t of this.media.getVideoTracks()) t.enabled = !off;
    this.changedNow();
  }

  get muted(): boolean {
    return this.media.getAudioTracks().every((t) => !t.enabled);
  }

  get cameraOff(): boolean {
    return this.media.getVideoTracks().every((t) => !t.enabled);
  }

  /** Swaps the camera or microphone on every link without renegotiating. */
  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    const old = track.kind === 'video' ? this.media.getVideoTracks() : this.media.getAudioTracks();
    for (const t of old) {
      track.enabled = t.enabled;
      this.media.removeTrack(t);
      t.stop();
    }
    this.media.addTrack(track);
    const pcs = [...[...this.direct.values()].map((l) => l.pc), ...(this.upstream ? [this.upstream] : [])];
    await Promise.all(
      pcs.flatMap((pc) =>
        pc
          .getSenders()
          .filter(
            (s) =>
              s.track?.kind === track.kind || (s.track === null && this.senderKind(pc, s) === track.kind),
          )
          .map((s) => s.replaceTrack(track)),
      ),
    );
    this.changedNow();
  }

  async stop(): Promise<void> {
    if (this.endedValue) return;
    await this.ctx.request('stream.stop', { streamId: this.stream.id }).catch(() => {});
    this.end();
  }

  /** From the manager: a `signal` on this stream's topic. */
  onSignal(e: SignalEvent): void {
    if (this.endedValue) return;
    const key = e.fromConnection;
    const { kind, data } = e.payload;
    if (kind === 'offer') {
      this.direct.get(key)?.pc.close();
      const link = this.newDirectLink(e);
      this.direct.set(key, link);
      link.queue.run(() => this.answerDirect(link, e, data as RTCSessionDescriptionInit));
      return;
    }
    const link = this.direct.get(key);
    if (!link) return;
    if (kind === 'ice') link.queue.run(() => link.pc.addIceCandidate(data as RTCIceCandidateInit));
    if (kind === 'bye') {
      link.pc.close();
      this.direct.delete(key);
      this.changedNow();
    }
  }

  /** From the manager: the server's view of the stream (viewer counts) changed. */
  onUpdated(stream: Stream): void {
    this.stream = stream;
    const relayed = stream.relayed ?? 0;
    if (relayed > 0 && !this.upstream && !this.publishing) {
      this.publishing = this.publish().finally(() => (this.publishing = null));
    } else if (relayed === 0 && this.upstream) {
      // Nobody on the relay: stop spending the uplink on it.
      this.upstream.close();
      this.upstream = null;
      void this.ctx
        .request('stream.relay', { streamId: stream.id, payload: { kind: 'bye', data: null } })
        .catch(() => {});
    }
    this.changedNow();
  }

  /** The stream is over (from the server, or the connection went away). */
  end(): void {
    if (this.endedValue) return;
    this.endedValue = true;
    for (const l of this.direct.values()) l.pc.close();
    this.direct.clear();
    this.upstream?.close();
    this.upstream = null;
    this.emit('ended');
    this.changedNow();
  }

  private newDirectLink(e: SignalEvent): DirectLink {
    const pc = new this.ctx.rtc!({ iceServers: this.ctx.iceServers() as RTCIceServer[] });
    const topic = `stream:${this.stream.id}`;
    const outbox = new SignalQueue();
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      outbox.run(() =>
        this.ctx.request('signal', {
          to: e.from,
          toConnection: e.fromConnection,
          topic,
          payload: { kind: 'ice', data: plain(candidate) },
        }),
      );
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        if (this.direct.get(e.fromConnection)?.pc === pc) this.direct.delete(e.fromConnection);
      }
      this.changedNow();
    };
    return { pc, queue: new SignalQueue(), outbox };
  }

  private async answerDirect(
    link: DirectLink,
    e: SignalEvent,
    offer: RTCSessionDescriptionInit,
  ): Promise<void> {
    const { pc } = link;
    await pc.setRemoteDescription(offer);
    this.attachTracks(pc);
    // The answer is queued before setLocalDescription starts gathering, so no candidate can
    // go out ahead of it; it leaves once the description is set.
    const answer = await pc.createAnswer();
    let ready: () => void = () => {};
    const gate = new Promise<void>((resolve) => (ready = resolve));
    link.outbox.run(async () => {
      await gate;
      await this.ctx.request('signal', {
        to: e.from,
        toConnection: e.fromConnection,
        topic: `stream:${this.stream.id}`,
        payload: { kind: 'answer', data: plain(pc.localDescription ?? answer) },
      });
    });
    try {
      await pc.setLocalDescription(answer);
    } finally {
      ready();
    }
  }

  /** Puts the camera and microphone on the viewer's receive-only transceivers. */
  private attachTracks(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      const kind = t.receiver.track.kind;
      const track = kind === 'video' ? this.media.getVideoTracks()[0] : this.media.getAudioTracks()[0];
      if (!track) continue;
      t.direction = 'sendonly';
      void t.sender.replaceTrack(track);
      t.sender.setStreams?.(this.media);
    }
  }

  private senderKind(pc: RTCPeerConnection, s: RTCRtpSender): string | undefined {
    return pc.getTransceivers().find((t) => t.sender === s)?.receiver.track.kind;
  }

  /** One copy of the stream to the server's relay, which serves every relayed viewer. */
  private async publish(): Promise<void> {
    const pc = new this.ctx.rtc!({ iceServers: this.ctx.iceServers() as RTCIceServer[] });
    this.upstream = pc;
    const streamId = this.stream.id;
    for (const track of this.media.getTracks())
      pc.addTransceiver(track, { direction: 'sendonly', streams: [this.media] });
    // Candidates wait for the relay's answer: sent earlier, they could reach the relay before
    // it has applied the offer.
    const early: RTCIceCandidate[] = [];
    let answered = false;
    const sendCandidate = (c: RTCIceCandidate) =>
      void this.ctx
        .request('stream.relay', { streamId, payload: { kind: 'ice', data: plain(c) } })
        .catch(() => {});
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      if (answered) sendCandidate(candidate);
      else early.push(candidate);
    };
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const r = await this.ctx.request('stream.relay', {
        streamId,
        payload: { kind: 'offer', data: plain(pc.localDescription!) },
      });
      if (this.upstream !== pc || !r.payload) return;
      await pc.setRemoteDescription(r.payload.data as RTCSessionDescriptionInit);
      answered = true;
      for (const c of early.splice(0)) sendCandidate(c);
    } catch {
      if (this.upstream === pc) {
        pc.close();
        this.upstream = null;
      }
    }
    this.changedNow();
  }

  private changedNow(): void {
    this.emit('change');
    this.ctx.changed();
  }
}
