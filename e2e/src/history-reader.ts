import WebSocket from 'ws';
import { ChatClient, api } from '@segmentchat/client';
import type { Message } from '@segmentchat/protocol';

/**
 * A Node SDK client used as the test's view of the server's truth: the messages a channel
 * really holds, in server order, read with `message.history` (what any client would get).
 */
export class HistoryReader {
  private constructor(private readonly client: ChatClient) {}

  static async connect(url: string, username: string): Promise<HistoryReader> {
    const { token } = await api.register(url, { username, password: 'correct horse 42' });
    const client = new ChatClient({ url, token, WebSocket });
    await client.connect();
    return new HistoryReader(client);
  }

  /**
   * Creates a public channel owned by this Node client. Nobody hosts it (hosting is a browser
   * owner's job), so its messages only travel through the server: a browser that is offline
   * cannot get them over a WebRTC link to the host.
   */
  async createChannel(name: string): Promise<void> {
    await this.client.request('channel.create', { name, visibility: 'public' });
  }

  /** The non-system messages of the public channel `name`, oldest first. */
  async messages(name: string): Promise<Message[]> {
    const { channels } = await this.client.request('channel.list', {});
    const channel = channels.find((c) => c.name === name);
    if (!channel) throw new Error(`no channel named ${name}`);
    if (!channel.joined) await this.client.request('channel.join', { channelId: channel.id });
    const page = await this.client.request('message.history', { channelId: channel.id, limit: 200 });
    return page.messages.filter((m) => m.kind === 'text').sort((a, b) => a.seq - b.seq);
  }

  async texts(name: string): Promise<string[]> {
    return (await this.messages(name)).map((m) => m.text);
  }

  close(): void {
    this.client.close();
  }
}
