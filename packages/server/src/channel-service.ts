import { ChatError } from '@segmentchat/protocol';
import type { Channel, Member, ParsedParams } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import { newId, newSecret } from './new-id.ts';
import type { ChannelRow, Store, UserRow } from './store.ts';
import { usernameKey } from './username-rules.ts';

export const GENERAL_CHANNEL = 'general';

/** The one answer for "does not exist" and "you may not know it exists". */
const notFound = () => ChatError.notFound('No such channel');

/**
 * Channels, DMs and membership, with the one access rule: anyone may read a public channel; a
 * private channel or DM exists only for its members. Visitors see public channels alone.
 */
export class ChannelService {
  constructor(
    private readonly store: Store,
    private readonly bus: Bus,
  ) {}

  async ensureGeneral(): Promise<void> {
    if (await this.store.findPublicChannelByName(GENERAL_CHANNEL)) return;
    await this.store.createChannel({
      id: newId(),
      kind: 'channel',
      name: GENERAL_CHANNEL,
      description: 'Everyone is here',
      visibility: 'public',
      ownerId: null,
      createdAt: Date.now(),
      dmUsers: null,
    });
  }

  async joinDefault(userId: string): Promise<void> {
    const general = await this.store.findPublicChannelByName(GENERAL_CHANNEL);
    const user = await this.store.findUserById(userId);
    if (!general || !user || !(await this.store.addMember(general.id, userId, Date.now()))) return;
    // Told like any join: the members' counts (and the server's, for presence) stay true.
    const member: Member = { userId, username: user.username, role: user.role, isOwner: false };
    this.bus.publish({ kind: 'membership', userId, channelId: general.id, joined: true });
    this.bus.publish({
      kind: 'channel',
      channelId: general.id,
      event: { type: 'member.joined', channelId: general.id, member },
    });
  }

  /** The channel if `user` may read it; NOT_FOUND otherwise, whether it exists or not. */
  async readable(user: UserRow, channelId: string): Promise<ChannelRow> {
    await this.access(user, channelId);
    return this.row(channelId);
  }

  /** Like `readable`, and the user must have joined (to write, mark read, type). */
  async joined(user: UserRow, channelId: string): Promise<ChannelRow> {
    await this.checkJoined(user, channelId);
    return this.row(channelId);
  }

  /** The check of `joined` without reading the channel: all that a send needs. */
  async checkJoined(user: UserRow, channelId: string): Promise<void> {
    if (!(await this.access(user, channelId))) throw ChatError.forbidden('Join the channel first');
  }

  /** Whether `user` joined the channel, if they may read it; NOT_FOUND if not. */
  private async access(user: UserRow, channelId: string): Promise<boolean> {
    const a = await this.store.channelAccess(channelId, user.id);
    if (!a) throw notFound();
    if (a.kind === 'channel' && a.visibility === 'public') return a.member;
    if (user.role !== 'visitor' && a.member) return true;
    throw notFound();
  }

  private async row(channelId: string): Promise<ChannelRow> {
    const c = await this.store.findChannel(channelId);
    if (!c) throw notFound();
    return c;
  }

  list(user: UserRow): Promise<Channel[]> {
    return this.store.listChannels(user.id, user.role !== 'visitor');
  }

  /** The channels the user is in (for `hello`: the public directory is `list`, asked on demand). */
  mine(user: UserRow): Promise<Channel[]> {
    return this.store.listMemberChannels(user.id);
  }

  async create(user: UserRow, p: ParsedParams<'channel.create'>): Promise<Channel> {
    if (user.role === 'visitor') throw ChatError.forbidden('Visitors cannot create channels; register first');
    if (p.visibility === 'public' && (await this.store.findPublicChannelByName(p.name))) {
      throw ChatError.conflict('A public channel with that name exists');
    }
    const id = newId();
    try {
      await this.store.createChannel({
        id,
        kind: 'channel',
        name: p.name,
        description: p.description,
        visibility: p.visibility,
        ownerId: user.id,
        createdAt: Date.now(),
        dmUsers: null,
      });
    } catch {
      // Two creators raced for one public name; the unique index picked the first.
      throw ChatError.conflict('A public channel with that name exists');
    }
    return this.addAndAnnounce(id, user);
  }

  async join(user: UserRow, p: ParsedParams<'channel.join'>): Promise<Channel> {
    let channel: ChannelRow | undefined;
    if (p.inviteCode !== undefined) {
      if (user.role === 'visitor')
        throw ChatError.forbidden('Visitors cannot join private channels; register first');
      channel = await this.store.findChannelByInvite(p.inviteCode);
      if (!channel) throw ChatError.notFound('That invite is not valid');
    } else if (p.channelId !== undefined) {
      channel = await this.readable(user, p.channelId);
    } else {
      throw ChatError.invalid('Give a channelId or an inviteCode');
    }
    if (await this.store.isMember(channel.id, user.id))
      return (await this.store.channelView(channel.id, user.id))!;
    return this.addAndAnnounce(channel.id, user);
  }

  async leave(user: UserRow, channelId: string): Promise<void> {
    const c = await this.readable(user, channelId);
    if (!(await this.store.removeMember(c.id, user.id))) return;
    this.bus.publish({ kind: 'membership', userId: user.id, channelId: c.id, joined: false });
    this.bus.publish({
      kind: 'channel',
      channelId: c.id,
      event: { type: 'member.left', channelId: c.id, userId: user.id },
    });
    this.bus.publish({
      kind: 'user',
      userId: user.id,
      event: { type: 'channel.removed', channelId: c.id, reason: 'left' },
    });
  }

  async invite(user: UserRow, p: ParsedParams<'channel.invite'>): Promise<{ inviteCode?: string }> {
    const c = await this.readable(user, p.channelId);
    if (c.kind !== 'channel') throw ChatError.invalid('Direct messages take no invites');
    if (c.ownerId !== user.id && user.role !== 'admin')
      throw ChatError.forbidden('Only the owner can invite');
    if (p.username === undefined) {
      if (c.inviteCode) return { inviteCode: c.inviteCode };
      const inviteCode = newSecret();
      await this.store.setInviteCode(c.id, inviteCode);
      return { inviteCode };
    }
    const invitee = await this.store.findUserByKey(usernameKey(p.username));
    if (!invitee || invitee.disabled) throw ChatError.notFound('No such user');
    if (invitee.role === 'visitor') throw ChatError.forbidden('Visitors cannot join private channels');
    if (!(await this.store.isMember(c.id, invitee.id))) await this.addAndAnnounce(c.id, invitee);
    return {};
  }

  async members(user: UserRow, channelId: string): Promise<Member[]> {
    const c = await this.readable(user, channelId);
    return this.store.listMembers(c.id);
  }

  async markRead(user: UserRow, channelId: string, seq: number): Promise<void> {
    const c = await this.joined(user, channelId);
    await this.store.markRead(c.id, user.id, seq);
  }

  async openDm(user: UserRow, peerId: string): Promise<Channel> {
    if (user.role === 'visitor')
      throw ChatError.forbidden('Visitors cannot send direct messages; register first');
    if (peerId === user.id) throw ChatError.invalid('Pick someone else');
    const peer = await this.store.findUserById(peerId);
    if (!peer || peer.disabled || peer.role === 'visitor') throw ChatError.notFound('No such user');
    const existing = await this.store.findDm(user.id, peer.id);
    if (existing) return (await this.store.channelView(existing.id, user.id))!;
    const id = newId();
    await this.store.createChannel({
      id,
      kind: 'dm',
      name: 'dm',
      description: '',
      visibility: 'private',
      ownerId: null,
      createdAt: Date.now(),
      dmUsers: [user.id, peer.id],
    });
    await this.addAndAnnounce(id, peer);
    return this.addAndAnnounce(id, user);
  }

  /** Adds the member, subscribes its connections, and tells it and the channel. */
  private async addAndAnnounce(channelId: string, user: UserRow): Promise<Channel> {
    await this.store.addMember(channelId, user.id, Date.now());
    const channel = (await this.store.channelView(channelId, user.id))!;
    const member: Member = {
      userId: user.id,
      username: user.username,
      role: user.role,
      isOwner: channel.ownerId === user.id,
    };
    this.bus.publish({ kind: 'membership', userId: user.id, channelId, joined: true });
    this.bus.publish({ kind: 'channel', channelId, event: { type: 'member.joined', channelId, member } });
    this.bus.publish({ kind: 'user', userId: user.id, event: { type: 'channel.updated', channel } });
    return channel;
  }
}
