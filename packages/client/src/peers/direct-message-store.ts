/** A DM that went straight to the peer (or came straight from it): the server never had it. */
export interface DirectEntry {
  clientMsgId: string;
  channelId: string;
  authorId: string;
  authorName: string;
  text: string;
  createdAt: number;
  /** `sending`: on the data channel, no ack yet; `sent`: the peer has it. */
  status: 'sending' | 'sent';
}

/**
 * Where a client keeps direct DMs, since the server does not (IndexedDB in the web app; memory
 * by default, so a Node bot forgets them on restart). One store per account.
 */
export interface DirectMessageStore {
  load(): Promise<DirectEntry[]>;
  put(entry: DirectEntry): Promise<void>;
  delete(clientMsgId: string): Promise<void>;
}

export class MemoryDirectMessageStore implements DirectMessageStore {
  private readonly entries = new Map<string, DirectEntry>();

  async load(): Promise<DirectEntry[]> {
    return [...this.entries.values()];
  }
  async put(entry: DirectEntry): Promise<void> {
    this.entries.set(entry.clientMsgId, entry);
  }
  async delete(clientMsgId: string): Promise<void> {
    this.entries.delete(clientMsgId);
  }
}
