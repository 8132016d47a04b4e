import type { IceServer, SignalPayload } from '@segmentchat/protocol';
import { TypedEmitter } from '../typed-emitter.ts';
import type { RtcDataChannelLike, RtcPeerConnectionCtor, RtcPeerConnectionLike } from './rtc-like.ts';

export type PeerLinkEvents = {
  open: () => void;
  /** One JSON value the other side sent. */
  message: (value: unknown) => void;
  /** Closed for good (either side, failure, or timeout); a new link is a new PeerLink. */
  close: () => void;
};

export interface PeerLinkOptions {
  rtc: RtcPeerConnectionCtor;
  iceServers: IceServer[];
  /** The side that makes the offer and the data channel. */
  initiator: boolean;
  topic: string;
  remoteUser: string;
  /** Known for responders (the offer's sender) and when the initiator targets one connection. */
  remoteConnection: string | null;
  /** Sends a signal through the server to the other side. */
  signal: (payload: SignalPayload, toConnection: string | null) => void;
  /**
   * A link not open by then is given up, and the caller falls back to the server. ICE on a LAN
   * takes well under a second; with a TURN relay ~1-3 s; 10 s covers a slow one.
   */
  openTimeoutMs?: number;
}

/** The plain JSON of an SDP or ICE object (browsers' and werift's both have toJSON). */
function plain(value: unknown): unknown {
  return value === null || value === undefined ? null : (JSON.parse(JSON.stringify(value)) as unknown);
}

/**
 * One WebRTC peer connection with one ordered, reliable data channel of JSON text, negotiated
 * through `signal` (offer, answer, trickled ICE, bye). It is single-use: it opens or fails, and
 * once closed it stays closed.
 */
export class PeerLink extends TypedEmitter<PeerLinkEvents> {
  state: 'connecting' | 'open' | 'closed' = 'connecting';
  remoteConnection: string | null;
  private readonly pc: RtcPeerConnectionLike;
  private channel: RtcDataChannelLike | null = null;
  private remoteSet = false;
  private readonly earlyIce: unknown[] = [];
  private readonly heldIce: SignalPayload[] = [];
  private described = false;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(private readonly options: PeerLinkOptions) {
    super();
    this.remoteConnection = options.remoteConnection;
    this.pc = new options.rtc({ iceServers: options.iceServers });
    this.pc.onicecandidate = (e) => {
      if (e.candidate) this.send({ kind: 'ice', data: plain(e.candidate) });
    };
    this.pc.onconnectionstatechange = () => {
      const s = this.pc.connectionState;
      // 'disconnected' may heal, but waiting for it would stall messages for seconds; the
      // server path is always there, so a shaky link is dropped at once.
      if (s === 'failed' || s === 'closed' || s === 'disconnected') this.close(false);
    };
    this.pc.ondatachannel = (e) => this.attach(e.channel);
    this.timer = setTimeout(() => {
      if (this.state === 'connecting') this.close(true);
    }, options.openTimeoutMs ?? 10_000);
  }

  get topic(): string {
    return this.options.topic;
  }
  get remoteUser(): string {
    return this.options.remoteUser;
  }

  /** Initiator: makes the data channel and sends the offer. */
  async start(): Promise<void> {
    try {
      this.attach(this.pc.createDataChannel('segmentchat', { ordered: true }));
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer as never);
      this.send({ kind: 'offer', data: plain(this.pc.localDescription ?? offer) });
    } catch {
      this.close(true);
    }
  }

  /** A signal from the other side for this link's topic. */
  async onSignal(fromConnection: string, payload: SignalPayload): Promise<void> {
    if (this.state === 'closed') return;
    try {
      switch (payload.kind) {
        case 'offer': {
          if (this.options.initiator || this.remoteSet) return;
          await this.pc.setRemoteDescription(payload.data as never);
          await this.remoteReady();
          const answer = await this.pc.createAnswer();
          await this.pc.setLocalDescription(answer as never);
          this.send({ kind: 'answer', data: plain(this.pc.localDescription ?? answer) });
          return;
        }
        case 'answer':
          if (!this.options.initiator || this.remoteSet) return;
          this.remoteConnection ??= fromConnection;
          if (fromConnection !== this.remoteConnection) return;
          await this.pc.setRemoteDescription(payload.data as never);
          await this.remoteReady();
          return;
        case 'ice':
          if (!payload.data) return;
          if (this.remoteSet) await this.pc.addIceCandidate(payload.data as never);
          else this.earlyIce.push(payload.data);
          return;
        case 'bye':
          this.close(false);
          return;
      }
    } catch {
      this.close(true);
    }
  }

  /** Sends one JSON value; false when the link is not open (the caller uses the server). */
  sendData(value: unknown): boolean {
    if (this.state !== 'open' || this.channel?.readyState !== 'open') return false;
    try {
      this.channel.send(JSON.stringify(value));
      return true;
    } catch {
      this.close(false);
      return false;
    }
  }

  close(sayBye = true): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    if (sayBye) this.send({ kind: 'bye', data: null });
    try {
      this.channel?.close();
      void Promise.resolve(this.pc.close()).catch(() => undefined);
    } catch {
      // closing anyway
    }
    this.emit('close');
  }

  private async remoteReady(): Promise<void> {
    this.remoteSet = true;
    for (const c of this.earlyIce.splice(0)) await this.pc.addIceCandidate(c as never);
  }

  private attach(channel: RtcDataChannelLike): void {
    if (this.channel && this.channel !== channel) return;
    this.channel = channel;
    channel.onopen = () => {
      if (this.state !== 'connecting') return;
      this.state = 'open';
      clearTimeout(this.timer);
      this.emit('open');
    };
    channel.onclose = () => this.close(false);
    channel.onmessage = (e) => {
      if (typeof e.data !== 'string') return;
      let value: unknown;
      try {
        value = JSON.parse(e.data);
      } catch {
        return;
      }
      this.emit('message', value);
    };
    if (channel.readyState === 'open') channel.onopen();
  }

  private send(payload: SignalPayload): void {
    // ICE found before our offer or answer went out would reach a side with no link yet.
    if (payload.kind === 'ice' && !this.described) {
      this.heldIce.push(payload);
      return;
    }
    this.options.signal(payload, this.remoteConnection);
    if (payload.kind === 'offer' || payload.kind === 'answer') {
      this.described = true;
      for (const p of this.heldIce.splice(0)) this.options.signal(p, this.remoteConnection);
    }
  }
}
