import type * as Werift from 'werift';
import type { MediaStreamTrack, RTCPeerConnection, RTCRtpSender, RTCRtpTransceiver, RtpPacket } from 'werift';
import { ChatError } from '@segmentchat/protocol';
import type { IceServer, SignalPayload } from '@segmentchat/protocol';

type Kind = 'audio' | 'video';

interface Downstream {
  pc: RTCPeerConnection;
  senders: Map<Kind, RTCRtpSender>;
}

interface Room {
  upstream: RTCPeerConnection | null;
  /** The streamer's video track on the upstream link: PLIs for new viewers go to its SSRC. */
  video: { track: MediaStreamTrack; transceiver: RTCRtpTransceiver } | null;
  viewers: Map<string, Downstream>;
  lastKeyframeRequest: number;
}

export interface StreamRelayOptions {
  iceServers: IceServer[];
  /**
   * Addresses to offer as host candidates besides the machine's interfaces (werift leaves
   * loopback out; a test or a single-machine setup puts 127.0.0.1 here).
   */
  hostAddresses?: string[];
}

/**
 * One keyframe request per half second at most: a keyframe costs 5-10x a delta frame, and a
 * burst of viewers joining (or losing packets) together needs only one.
 */
const KEYFRAME_REQUEST_MIN_MS = 500;

/**
 * werift is loaded on the first stream signal, not at startup: importing it takes ~0.7 s of
 * CPU, which every start and every restart from the admin panel would otherwise wait for.
 */
let werift: Promise<typeof Werift> | undefined;
const loadWerift = () => (werift ??= import('werift'));

/**
 * The server's selective forwarding unit, on werift (WebRTC in TypeScript, no native code). The
 * streamer publishes one upstream (VP8 + Opus); each relayed viewer gets its own peer
 * connection, and every RTP packet of the upstream is written to each viewer's sender
 * unchanged but for SSRC, payload type, sequence and timestamp offsets (werift rewrites those
 * per sender). Nothing is decoded or re-encoded, so a relayed viewer costs the server one
 * SRTP encryption and one UDP send per packet, and adds no encoder delay. Viewers that join
 * mid-stream get a keyframe by a PLI sent upstream.
 */
export class StreamRelay {
  private readonly rooms = new Map<string, Room>();
  /** RTP packets written to viewers, for /metrics and the CPU-per-viewer measurement. */
  forwarded = 0;

  constructor(private readonly options: StreamRelayOptions) {}

  /** Relayed viewers with a link now, over all streams. */
  get viewerCount(): number {
    let n = 0;
    for (const r of this.rooms.values()) n += r.viewers.size;
    return n;
  }

  /** The streamer's upstream: answers its offer, takes its ICE candidates, `bye` closes it. */
  async publish(streamId: string, payload: SignalPayload): Promise<SignalPayload | undefined> {
    // Every signal waits on the same promise, so they still run in the order they came.
    const rtc = await loadWerift();
    const room = this.room(streamId);
    switch (payload.kind) {
      case 'offer': {
        room.upstream?.close().catch(() => {});
        const pc = this.peer(rtc);
        room.upstream = pc;
        room.video = null;
        pc.onRemoteTransceiverAdded.subscribe((transceiver) => {
          transceiver.onTrack.subscribe((track) => {
            const kind = track.kind as Kind;
            if (kind === 'video') {
              room.video = { track, transceiver };
              this.requestKeyframe(room, true);
            }
            track.onReceiveRtp.subscribe((rtp) => this.forward(room, kind, rtp));
          });
        });
        return this.answer(pc, payload);
      }
      case 'ice':
        await this.addCandidate(room.upstream, payload);
        return undefined;
      case 'bye':
        room.upstream?.close().catch(() => {});
        room.upstream = null;
        room.video = null;
        return undefined;
      case 'answer':
        throw ChatError.invalid('The relay answers; send an offer');
    }
  }

  /** A relayed viewer's downstream: answers its (receive-only) offer with the stream's media. */
  async view(
    streamId: string,
    viewerKey: string,
    payload: SignalPayload,
  ): Promise<SignalPayload | undefined> {
    const rtc = await loadWerift();
    const room = this.room(streamId);
    switch (payload.kind) {
      case 'offer': {
        this.dropViewer(streamId, viewerKey);
        const pc = this.peer(rtc);
        const down: Downstream = { pc, senders: new Map() };
        room.viewers.set(viewerKey, down);
        pc.connectionStateChange.subscribe((state) => {
          if (state === 'connected') this.requestKeyframe(room, true);
          if (state === 'failed' || state === 'closed') {
            if (room.viewers.get(viewerKey) === down) room.viewers.delete(viewerKey);
          }
        });
        const answer = await this.answer(pc, payload, (t) => {
          t.setDirection('sendonly');
          down.senders.set(t.kind as Kind, t.sender);
          // A viewer that lost a keyframe asks for one; the streamer is the only one who can make it.
          t.sender.onPictureLossIndication.subscribe(() => this.requestKeyframe(room, false));
        });
        return answer;
      }
      case 'ice':
        await this.addCandidate(room.viewers.get(viewerKey)?.pc ?? null, payload);
        return undefined;
      case 'bye':
        this.dropViewer(streamId, viewerKey);
        return undefined;
      case 'answer':
        throw ChatError.invalid('The relay answers; send an offer');
    }
  }

  dropViewer(streamId: string, viewerKey: string): void {
    const room = this.rooms.get(streamId);
    const down = room?.viewers.get(viewerKey);
    if (!room || !down) return;
    room.viewers.delete(viewerKey);
    down.pc.close().catch(() => {});
  }

  end(streamId: string): void {
    const room = this.rooms.get(streamId);
    if (!room) return;
    this.rooms.delete(streamId);
    room.upstream?.close().catch(() => {});
    for (const d of room.viewers.values()) d.pc.close().catch(() => {});
  }

  close(): void {
    for (const id of [...this.rooms.keys()]) this.end(id);
  }

  private room(streamId: string): Room {
    let room = this.rooms.get(streamId);
    if (!room) {
      room = { upstream: null, video: null, viewers: new Map(), lastKeyframeRequest: 0 };
      this.rooms.set(streamId, room);
    }
    return room;
  }

  /**
   * One codec per kind on both sides, so the upstream's payload maps onto every viewer's: VP8
   * is in every browser and decodes in software everywhere, Opus is WebRTC's mandatory audio.
   */
  private peer(rtc: typeof Werift): RTCPeerConnection {
    const { RTCPeerConnection, RTCRtpCodecParameters, useAbsSendTime, useTransportWideCC } = rtc;
    return new RTCPeerConnection({
      iceServers: this.options.iceServers.flatMap((s) =>
        (Array.isArray(s.urls) ? s.urls : [s.urls]).map((urls) => ({
          urls,
          ...(s.username !== undefined ? { username: s.username } : {}),
          ...(s.credential !== undefined ? { credential: s.credential } : {}),
        })),
      ),
      ...(this.options.hostAddresses ? { iceAdditionalHostAddresses: this.options.hostAddresses } : {}),
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/VP8',
            clockRate: 90000,
            rtcpFeedback: [
              { type: 'nack' },
              { type: 'nack', parameter: 'pli' },
              { type: 'goog-remb' },
              { type: 'transport-cc' },
            ],
          }),
        ],
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      },
      // Transport-wide congestion feedback lets the streamer's browser find the real bandwidth
      // of its upstream; without it, it stays near its start rate (~300 kbit/s) and the
      // picture every relayed viewer gets is blurred.
      headerExtensions: { video: [useTransportWideCC(), useAbsSendTime()], audio: [useTransportWideCC()] },
    });
  }

  private async answer(
    pc: RTCPeerConnection,
    payload: SignalPayload,
    prepare?: (t: RTCRtpTransceiver) => void,
  ): Promise<SignalPayload> {
    const offer = payload.data as { type?: unknown; sdp?: unknown } | null;
    if (!offer || offer.type !== 'offer' || typeof offer.sdp !== 'string')
      throw ChatError.invalid('An offer needs an SDP');
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer.sdp });
      if (prepare) for (const t of pc.getTransceivers()) prepare(t);
      await pc.setLocalDescription(await pc.createAnswer());
    } catch (e) {
      pc.close().catch(() => {});
      throw ChatError.invalid(`Cannot use that offer: ${(e as Error).message}`);
    }
    // werift gathers while setting the local description, so the answer holds every candidate.
    return { kind: 'answer', data: { type: 'answer', sdp: pc.localDescription!.sdp } };
  }

  private async addCandidate(pc: RTCPeerConnection | null, payload: SignalPayload): Promise<void> {
    if (!pc) return;
    const c = payload.data as { candidate?: unknown; sdpMid?: unknown; sdpMLineIndex?: unknown } | null;
    if (!c || typeof c.candidate !== 'string' || c.candidate === '') return;
    await pc
      .addIceCandidate({
        candidate: c.candidate,
        ...(typeof c.sdpMid === 'string' ? { sdpMid: c.sdpMid } : {}),
        ...(typeof c.sdpMLineIndex === 'number' ? { sdpMLineIndex: c.sdpMLineIndex } : {}),
      })
      .catch(() => {});
  }

  private forward(room: Room, kind: Kind, rtp: RtpPacket): void {
    if (room.viewers.size === 0) return;
    // The upstream's header extensions carry the streamer's ids; each viewer's sender writes
    // its own (transport-wide sequence, abs-send-time) instead.
    const clean = rtp.clone();
    clean.header.extensions = [];
    for (const d of room.viewers.values()) {
      const sender = d.senders.get(kind);
      if (!sender) continue;
      this.forwarded++;
      sender.sendRtp(clean).catch(() => {});
    }
  }

  private requestKeyframe(room: Room, force: boolean): void {
    const now = Date.now();
    if (!room.video || (!force && now - room.lastKeyframeRequest < KEYFRAME_REQUEST_MIN_MS)) return;
    room.lastKeyframeRequest = now;
    const ssrc = room.video.track.ssrc;
    if (ssrc !== undefined) room.video.transceiver.receiver.sendRtcpPLI(ssrc).catch(() => {});
  }
}
