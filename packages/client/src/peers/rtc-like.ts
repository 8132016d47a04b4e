import type { IceServer } from '@segmentchat/protocol';

/**
 * The slice of WebRTC the SDK uses, met by the browser's `RTCPeerConnection` and by `werift`'s
 * in Node (pass `RTCPeerConnection` from 'werift' as the `rtc` option). Kept structural so the
 * SDK itself depends on neither.
 */
export interface RtcDataChannelLike {
  readonly readyState: string;
  readonly bufferedAmount: number;
  onopen?: ((...args: never[]) => void) | null;
  onclose?: ((...args: never[]) => void) | null;
  onmessage?: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface RtcPeerConnectionLike {
  readonly connectionState: string;
  readonly localDescription: unknown;
  onicecandidate: ((event: { candidate: unknown }) => void) | null;
  ondatachannel: ((event: { channel: RtcDataChannelLike }) => void) | null;
  onconnectionstatechange: (() => void) | null;
  createDataChannel(label: string, options?: { ordered?: boolean }): RtcDataChannelLike;
  createOffer(): Promise<unknown>;
  createAnswer(): Promise<unknown>;
  setLocalDescription(description: never): Promise<unknown>;
  setRemoteDescription(description: never): Promise<unknown>;
  addIceCandidate(candidate: never): Promise<unknown>;
  close(): unknown;
}

export type RtcPeerConnectionCtor = new (config: { iceServers: IceServer[] }) => RtcPeerConnectionLike;

/** The browser's RTCPeerConnection when there is one (and it was not taken away), else null. */
export function defaultRtc(): RtcPeerConnectionCtor | null {
  const ctor = (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection;
  return typeof ctor === 'function' ? (ctor as RtcPeerConnectionCtor) : null;
}
