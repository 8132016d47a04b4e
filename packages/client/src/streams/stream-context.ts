import type { IceServer, RequestParams, RequestResult, RequestType } from '@segmentchat/protocol';

/** What stream sessions need from the client, handed in so that they never import it. */
export interface StreamContext {
  request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>>;
  iceServers(): IceServer[];
  /** The browser's RTCPeerConnection (streams need media, which only browsers have here). */
  rtc: typeof RTCPeerConnection | null;
  /** Something the UI shows changed. */
  changed(): void;
}

/**
 * Runs one peer connection's signaling steps one after another: a candidate that arrives while
 * the offer is still being applied would otherwise be added before the remote description.
 */
export class SignalQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run(step: () => Promise<unknown>): void {
    this.tail = this.tail.then(step).catch(() => {});
  }
}

/** The JSON form of a candidate or description, as it goes in a signal payload. */
export function plain(value: RTCIceCandidate | RTCSessionDescription | RTCSessionDescriptionInit): unknown {
  return 'toJSON' in value && typeof value.toJSON === 'function' ? value.toJSON() : value;
}
