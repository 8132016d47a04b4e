import WebSocket from 'ws';
import { ChatClient, api } from '@segmentchat/client';

/** A user driven through the SDK from Node: seeds conversations and acts as "the other person". */
export interface BotUser {
  username: string;
  token: string;
  client: ChatClient;
}

export async function botUser(
  baseUrl: string,
  username: string,
  password = 'bot password 42',
): Promise<BotUser> {
  const { token } = await api.register(baseUrl, { username, password });
  const client = new ChatClient({ url: baseUrl, token, WebSocket });
  await client.connect();
  return { username, token, client };
}

export function channelByName(bot: BotUser, name: string) {
  const c = bot.client.channels().find((ch) => ch.name === name);
  if (!c) throw new Error(`${bot.username} does not see channel ${name}`);
  return c;
}

/** Sends in order, waiting for each ack, so the channel reads like a real conversation. */
export async function say(bot: BotUser, channelId: string, text: string): Promise<void> {
  await bot.client.request('message.send', { channelId, clientMsgId: crypto.randomUUID(), text });
}

/** Sends `count` numbered messages with up to `parallel` in flight (the server groups commits). */
export async function seedMessages(
  bot: BotUser,
  channelId: string,
  count: number,
  text: (i: number) => string,
  parallel = 200,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await say(bot, channelId, text(i));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
