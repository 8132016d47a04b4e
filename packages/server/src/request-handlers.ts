import { ChatError } from '@segmentchat/protocol';
import type { ParsedParams, RequestResult, RequestType } from '@segmentchat/protocol';
import type { Connection } from './connection.ts';
import { messageNewJson } from './message-service.ts';
import { PreparedReply } from './prepared-reply.ts';
import { corkUntilTick } from './reply-cork.ts';
import type { Services } from './services.ts';
import { syncFields } from './sync-reply.ts';
import type { UserRow } from './store.ts';

export interface HandlerContext {
  user: UserRow;
  connection: Connection;
  services: Services;
}

export type Handler<T extends RequestType> = (
  ctx: HandlerContext,
  params: ParsedParams<T>,
) => Promise<RequestResult<T> | PreparedReply>;

/** Every request type has a handler: a forgotten one is a compile error. */
export type Handlers = { [T in RequestType]: Handler<T> };

export const requestHandlers: Handlers = {
  // `hello` is answered by the gateway before any handler runs; a second one is a mistake.
  hello: async () => {
    throw ChatError.invalid('Already said hello');
  },
  'channel.list': async ({ user, services }) => ({ channels: await services.channels.list(user) }),
  'channel.create': async ({ user, services }, p) => ({ channel: await services.channels.create(user, p) }),
  'channel.join': async ({ user, services }, p) => ({ channel: await services.channels.join(user, p) }),
  'channel.leave': async ({ user, services }, p) => {
    await services.channels.leave(user, p.channelId);
    return {};
  },
  'channel.invite': async ({ user, services }, p) => services.channels.invite(user, p),
  'channel.members': async ({ user, services }, p) => {
    const members = await services.channels.members(user, p.channelId);
    return { members, presence: services.presence.snapshot(members.map((m) => m.userId)) };
  },
  'channel.markRead': async ({ user, services }, p) => {
    await services.channels.markRead(user, p.channelId, p.seq);
    return {};
  },
  'dm.open': async ({ user, services }, p) => ({ channel: await services.channels.openDm(user, p.userId) }),
  'message.send': async ({ user, connection, services }, p) => {
    const { message, json } = await services.messages.send(user, p);
    // The other acks of the same grouped commit are being written now: one write for them all.
    corkUntilTick(connection.socket);
    // The DM counters let a test prove that a direct DM never came this way. Only DMs count, so
    // only theirs are measured: serializing the request again costs ~1 us, on every send otherwise.
    const access = await services.store.channelAccess(message.channelId, user.id);
    if (access?.kind === 'dm') {
      await services.traffic.noteSend(
        message.channelId,
        JSON.stringify(p).length,
        messageNewJson(json).length,
      );
    }
    return new PreparedReply(`"message":${json}`);
  },
  'message.edit': async ({ user, services }, p) => ({
    message: await services.messages.edit(user, p.messageId, p.text),
  }),
  'message.delete': async ({ user, services }, p) => ({
    message: await services.messages.delete(user, p.messageId),
  }),
  'message.history': async ({ user, services }, p) => services.messages.history(user, p),
  sync: async ({ user, services }, p) => new PreparedReply(syncFields(await services.messages.sync(user, p))),
  typing: async ({ user, services }, p) => {
    await services.presence.typing(user, p.channelId);
    return {};
  },
  'presence.watch': async ({ user, connection, services }, p) => {
    const users = p.userIds.length > 0 ? await services.store.usersSharingChannel(user.id, p.userIds) : [];
    services.watchers.watch(
      connection,
      users.map((u) => u.id),
    );
    // After the watch is in place: a change from now on is either in this answer or pushed.
    return { presence: services.presence.of(users), presenceCursor: services.presence.currentCursor() };
  },
  'presence.set': async ({ user, connection, services }, p) => {
    await services.presence.set(user, connection.id, p.status);
    return {};
  },
  signal: async ({ user, connection, services }, p) => {
    if (p.topic.startsWith('stream:')) await services.streams.checkSignal(user, connection.id, p);
    await services.signals.relay(user, connection.id, p);
    services.traffic.signals++;
    services.hosts.noteSignal(user, connection.id, p.topic);
    return {};
  },
  'host.relay': async ({ user, connection, services }, p) => services.hosts.relay(user, connection, p),
  'host.status': async ({ user, connection, services }, p) => {
    await services.hosts.status(user, connection, p);
    return {};
  },
  'stream.start': async ({ user, connection, services }, p) => ({
    stream: await services.streams.start(user, connection, p.channelId),
  }),
  'stream.stop': async ({ user, services }, p) => {
    await services.streams.stop(user, p.streamId);
    return {};
  },
  'stream.join': async ({ user, connection, services }, p) => services.streams.join(user, connection, p),
  'stream.leave': async ({ connection, services }, p) => {
    services.streams.leave(connection.id, p.streamId);
    return {};
  },
  'stream.list': async ({ user, services }) => ({ streams: await services.streams.list(user) }),
  'stream.relay': async ({ user, connection, services }, p) =>
    services.streams.relaySignal(user, connection, p),
  ping: async () => ({ serverTime: Date.now() }),
};
