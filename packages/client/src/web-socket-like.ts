/**
 * The part of a WebSocket the SDK uses: browsers' `WebSocket` and the `ws` package's both fit.
 * Handlers take `never` so either implementation's event types are accepted; the connection
 * reads only `data` (message), `code` and `reason` (close).
 */
export interface WebSocketInstance {
  readonly readyState: number;
  onopen: ((event: never) => unknown) | null;
  onmessage: ((event: never) => unknown) | null;
  onclose: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket` in browsers, `WebSocket` from 'ws' in Node. */
export type WebSocketLike = new (url: string) => WebSocketInstance;

export const WS_OPEN = 1;

/** `http(s)://host:port[/base]` to `ws(s)://host:port/ws`. */
export function webSocketUrl(baseUrl: string, path: string): string {
  const url = new URL(path, baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : url.protocol === 'http:' ? 'ws:' : url.protocol;
  return url.toString();
}
