import type { Channel, Message, User } from '@segmentchat/protocol';

/** What a cache holds: enough to open the app offline and resume `sync` where it left off. */
export interface CacheSnapshot {
  user: User | null;
  channels: Channel[];
  /** Per channel, the newest messages known, ascending by seq. */
  messages: Record<string, Message[]>;
  /** Per channel, the `rev` up to which every change is reflected in `messages`. */
  cursors: Record<string, number>;
}

/** One batch of changes. Cursors only ever describe messages written in the same or an earlier batch. */
export interface CacheWrite {
  /** Drop everything first (another user signed in). */
  clear?: boolean;
  user?: User;
  channels?: Channel[];
  removeChannels?: string[];
  messages?: Message[];
  cursors?: Record<string, number>;
}

/**
 * Optional persistence of channels, messages and sync cursors (IndexedDB arrives with the
 * offline issue). `write` must apply a batch atomically: a cursor saved without the messages
 * it covers would make the next `sync` skip them.
 */
export interface CacheStore {
  load(): Promise<CacheSnapshot | null>;
  write(batch: CacheWrite): Promise<void>;
}
