import type { ErrorBody } from '@segmentchat/protocol';

/** A message the user wrote that the server has not acknowledged yet (or refused for good). */
export interface PendingMessage {
  /** Made on the client before the first try; the server dedups on it, so resends are safe. */
  clientMsgId: string;
  channelId: string;
  text: string;
  /** Upload ids (content hashes) to attach. */
  attachments: string[];
  createdAt: number;
  /**
   * `pending`: waiting to be sent; `sending`: on the wire, no reply yet; `failed`: the server
   * refused it for good (see `error`), kept until the user retries or discards it.
   */
  status: 'pending' | 'sending' | 'failed';
  error?: ErrorBody;
}

/**
 * Durable storage for the outbox. One store per account (the app picks a file name or an
 * IndexedDB database per user). Contract (see `outbox-store-contract.ts`, run against every
 * implementation):
 * - `put` is durable when its promise resolves (a crash right after loses nothing);
 * - `load` returns the entries in the order they were first put; putting an existing
 *   `clientMsgId` again replaces the entry in place (status changes keep the send order);
 * - `delete` of a missing id is a no-op;
 * - a store may be shared by several clients (browser tabs): `watch`, when present, reports
 *   changes made by others so their outboxes can reload.
 */
export interface OutboxStore {
  load(): Promise<PendingMessage[]>;
  put(entry: PendingMessage): Promise<void>;
  delete(clientMsgId: string): Promise<void>;
  watch?(onChange: () => void): () => void;
  close?(): Promise<void>;
}
