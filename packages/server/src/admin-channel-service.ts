import { ChatError } from '@segmentchat/protocol';
import type { AdminChannel, Member, Page, Visibility } from '@segmentchat/protocol';
import type { AdminStore } from './admin-store.ts';
import type { Actor, AuditLog } from './audit-log.ts';
import type { Bus } from './bus.ts';
import { newId } from './new-id.ts';
import type { Store } from './store.ts';
import { usernameKey } from './username-rules.ts';

const target = (c: { name: string }) => `#${c.name}`;
const notFound = () => ChatError.notFound('No such channel');

/**
 * What an administrator does to channels, private ones included. Members see every change live:
 * `channel.updated` after a change, `channel.removed` when they or the channel go.
 */
export class AdminChannelService {
  constructor(
    private readonly store: Store,
    private readonly admin: AdminStore,
    private readonly bus: Bus,
    private readonly audit: AuditLog,
  ) {}

  async list(q: string, page: number, pageSize: number): Promise<Page<AdminChannel>> {
    const { rows, total } = await this.admin.listChannels(q, (page - 1) * pageSize, pageSize);
    return { items: rows, total, page, pageSize };
  }

  async create(
    actor: Actor,
    p: { name: string; description: string; visibility: Visibility },
  ): Promise<AdminChannel> {
    if (p.visibility === 'public' && (await this.store.findPublicChannelByName(p.name)))
      throw ChatError.conflict('A public channel with that name exists');
    const id = newId();
    try {
      // Made by the server, not by a member: no owner, no members until the admin adds them.
      await this.store.createChannel({
        id,
        kind: 'channel',
        name: p.name,
        description: p.description,
        visibility: p.visibility,
        ownerId: null,
        createdAt: Date.now(),
        dmUsers: null,
      });
    } catch {
      throw ChatError.conflict('A public channel with that name exists');
    }
    await this.audit.record(actor, 'channel.create', target(p), p.visibility);
    return this.get(id);
  }

  async update(
    actor: Actor,
    channelId: string,
    change: {
      name?: string | undefined;
      description?: string | undefined;
      visibility?: Visibility | undefined;
    },
  ): Promise<AdminChannel> {
    const before = await this.get(channelId);
    const name = change.name ?? before.name;
    const visibility = change.visibility ?? before.visibility;
    if (visibility === 'public') {
      const clash = await this.store.findPublicChannelByName(name);
      if (clash && clash.id !== before.id) throw ChatError.conflict('A public channel with that name exists');
    }
    try {
      await this.admin.updateChannel(before.id, change);
    } catch {
      throw ChatError.conflict('A public channel with that name exists');
    }
    const parts: string[] = [];
    if (change.name !== undefined && change.name !== before.name) parts.push(`renamed from #${before.name}`);
    if (change.description !== undefined && change.description !== before.description)
      parts.push('description');
    if (change.visibility !== undefined && change.visibility !== before.visibility)
      parts.push(`${before.visibility} → ${change.visibility}`);
    await this.audit.record(actor, 'channel.update', target({ name }), parts.join(', ') || 'no change');
    for (const m of await this.store.listMembers(before.id)) await this.tellMember(before.id, m.userId);
    return this.get(before.id);
  }

  /** Deletes the channel and its messages; members lose it live, later sends get NOT_FOUND. */
  async delete(actor: Actor, channelId: string): Promise<void> {
    const c = await this.get(channelId);
    await this.audit.record(
      actor,
      'channel.delete',
      target(c),
      `${c.messageCount} messages, ${c.memberCount} members`,
    );
    const members = await this.admin.deleteChannel(c.id);
    for (const userId of members) {
      this.bus.publish({ kind: 'membership', userId, channelId: c.id, joined: false });
      this.bus.publish({
        kind: 'user',
        userId,
        event: { type: 'channel.removed', channelId: c.id, reason: 'deleted' },
      });
    }
  }

  async members(channelId: string): Promise<Member[]> {
    const c = await this.get(channelId);
    return this.store.listMembers(c.id);
  }

  async addMember(actor: Actor, channelId: string, username: string): Promise<Member[]> {
    const c = await this.get(channelId);
    const user = await this.store.findUserByKey(usernameKey(username));
    if (!user || user.disabled) throw ChatError.notFound('No such user');
    if (user.role === 'visitor' && c.visibility === 'private')
      throw ChatError.forbidden('Visitors cannot join private channels');
    if (await this.store.addMember(c.id, user.id, Date.now())) {
      await this.audit.record(actor, 'channel.member.add', target(c), `@${user.username}`);
      const member: Member = {
        userId: user.id,
        username: user.username,
        role: user.role,
        isOwner: c.ownerId === user.id,
      };
      this.bus.publish({ kind: 'membership', userId: user.id, channelId: c.id, joined: true });
      this.bus.publish({
        kind: 'channel',
        channelId: c.id,
        event: { type: 'member.joined', channelId: c.id, member },
      });
      await this.tellMember(c.id, user.id);
    }
    return this.store.listMembers(c.id);
  }

  async removeMember(actor: Actor, channelId: string, userId: string): Promise<Member[]> {
    const c = await this.get(channelId);
    const user = await this.store.findUserById(userId);
    if (user && (await this.store.removeMember(c.id, user.id))) {
      await this.audit.record(actor, 'channel.member.remove', target(c), `@${user.username}`);
      this.bus.publish({ kind: 'membership', userId: user.id, channelId: c.id, joined: false });
      this.bus.publish({
        kind: 'channel',
        channelId: c.id,
        event: { type: 'member.left', channelId: c.id, userId },
      });
      this.bus.publish({
        kind: 'user',
        userId: user.id,
        event: { type: 'channel.removed', channelId: c.id, reason: 'removed' },
      });
    }
    return this.store.listMembers(c.id);
  }

  private async get(channelId: string): Promise<AdminChannel> {
    const c = await this.admin.findChannel(channelId);
    if (!c) throw notFound();
    return c;
  }

  /** The channel as this member sees it (membership, read position), to its connections. */
  private async tellMember(channelId: string, userId: string): Promise<void> {
    const channel = await this.store.channelView(channelId, userId);
    if (channel) this.bus.publish({ kind: 'user', userId, event: { type: 'channel.updated', channel } });
  }
}
