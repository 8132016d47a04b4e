import type { Message } from '@segmentchat/protocol';

/** About 10–20 MB of messages at most; enough for every client of a room catching up at once. */
const MAX_MESSAGES = 20_000;

/** One page of changes, and the same as JSON, made when first asked for and then shared. */
export class SyncPage {
  private utf8: Buffer | undefined;

  constructor(
    /** The channel's rev when the page was read: valid while the channel still has this rev. */
    readonly rev: number,
    readonly messages: Message[],
  ) {}

  /**
   * The messages as the elements of a JSON array, without the brackets (empty for none), in
   * UTF-8: what goes on the wire, so that each client sent the page costs a copy, not an encoding.
   */
  get bytes(): Buffer {
    return (this.utf8 ??= Buffer.from(JSON.stringify(this.messages).slice(1, -1)));
  }
}

/**
 * Recently read `sync` pages, by channel, cursor and size.
 *
 * Why: after an outage every client of a room reconnects and asks for the same changes (a
 * thousand clients that missed the same 100 messages read the same 100 rows a thousand times:
 * 0.46 s of SQLite and row decoding in the reconnect-storm benchmark), and the same reply body
 * was serialized a thousand times (13% of the server's CPU in that storm): a page keeps its JSON. A page is the same for
 * everyone who may read the channel, and it is still right as long as the channel's rev, which
 * every create, edit and delete raises in the same transaction, has not moved.
 *
 * The rev a page is stored under must be read before the page itself: then a change that slips
 * in between only makes the page look older than it is, and an older rev is never asked for again.
 * The one change that moves no rev, a visitor's messages taking their new name at sign-up, is
 * served as before until the channel's next change, as clients that synced earlier keep it too.
 */
export class SyncPageCache {
  private readonly pages = new Map<string, SyncPage>();
  private messages = 0;

  get(channelId: string, after: number, limit: number, rev: number): SyncPage | undefined {
    const page = this.pages.get(key(channelId, after, limit));
    return page?.rev === rev ? page : undefined;
  }

  /** `rev`: the channel's rev read before `messages` were. Returns the page, kept or not. */
  put(channelId: string, after: number, limit: number, rev: number, messages: Message[]): SyncPage {
    const page = new SyncPage(rev, messages);
    if (messages.length > MAX_MESSAGES) return page;
    const k = key(channelId, after, limit);
    this.drop(k);
    // Oldest first out (a Map iterates in insertion order) until the new page fits.
    for (const [oldest] of this.pages) {
      if (this.messages + messages.length <= MAX_MESSAGES) break;
      this.drop(oldest);
    }
    this.pages.set(k, page);
    this.messages += messages.length;
    return page;
  }

  private drop(k: string): void {
    const page = this.pages.get(k);
    if (!page) return;
    this.pages.delete(k);
    this.messages -= page.messages.length;
  }
}

function key(channelId: string, after: number, limit: number): string {
  return `${channelId}|${after}|${limit}`;
}
