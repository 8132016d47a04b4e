export { ChatClient } from './chat-client.ts';
export type { ChatClientOptions, ClientEvents, ConnectionState } from './chat-client.ts';
export type { PendingMessage, OutboxStore } from './outbox-store.ts';
export { MemoryOutboxStore } from './memory-outbox-store.ts';
export type { OutboxLock } from './outbox-lock.ts';
export { alwaysGrantedLock } from './outbox-lock.ts';
export type { CacheStore, CacheSnapshot, CacheWrite } from './cache-store.ts';
export { MemoryCacheStore } from './memory-cache-store.ts';
export type { ReconnectPolicy, BackoffOptions } from './reconnect-policy.ts';
export { exponentialBackoff } from './reconnect-policy.ts';
export type { WebSocketLike, WebSocketInstance } from './web-socket-like.ts';
export { api } from './http-api.ts';
export { uploadImage } from './upload-api.ts';
export type { UploadOptions } from './upload-api.ts';
export type { HttpOptions } from './http-api.ts';
export { Timeline } from './timeline.ts';
export { TypedEmitter } from './typed-emitter.ts';
export { randomUuid } from './random-uuid.ts';
export { newClientMsgId } from './client-msg-id.ts';
export { PeerManager } from './peers/peer-manager.ts';
export type { DmItem } from './peers/direct-messages.ts';
export type { HostInfo } from './peers/channel-hosting.ts';
export type { DirectEntry, DirectMessageStore } from './peers/direct-message-store.ts';
export { MemoryDirectMessageStore } from './peers/direct-message-store.ts';
export type { RtcPeerConnectionCtor, RtcPeerConnectionLike, RtcDataChannelLike } from './peers/rtc-like.ts';
export { StreamManager } from './streams/stream-manager.ts';
export { StreamBroadcast } from './streams/stream-broadcast.ts';
export { StreamViewer } from './streams/stream-viewer.ts';
export type { ViewerState } from './streams/stream-viewer.ts';
// The wire types, so apps need not depend on the protocol package directly.
export { ChatError, ErrorCode, Limits, fileUrl } from '@segmentchat/protocol';
export type {
  Attachment,
  Channel,
  ErrorBody,
  Member,
  Message,
  Presence,
  RequestParams,
  RequestResult,
  RequestType,
  ServerEvent,
  SessionResult,
  Stream,
  User,
} from '@segmentchat/protocol';
