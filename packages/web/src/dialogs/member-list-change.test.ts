import { describe, expect, it } from 'vitest';
import type { Member } from '@segmentchat/protocol';
import { applyMemberChanges, memberListChange } from './member-list-change.ts';

const member = (userId: string, username = userId): Member => ({
  userId,
  username,
  role: 'user',
  isOwner: false,
});

describe('member list changes', () => {
  it('adds a joiner once and removes a leaver', () => {
    const list = [member('a'), member('b')];
    expect(
      applyMemberChanges(list, [{ joined: member('c') }, { joined: member('c') }]).map((m) => m.userId),
    ).toEqual(['a', 'b', 'c']);
    expect(applyMemberChanges(list, [{ left: 'a' }]).map((m) => m.userId)).toEqual(['b']);
    expect(list.map((m) => m.userId)).toEqual(['a', 'b']);
  });

  it('gives the same list whether the fetched one was read before or after the changes', () => {
    const changes = [{ joined: member('c') }, { left: 'a' }, { left: 'c' }, { joined: member('a', 'A2') }];
    const before = applyMemberChanges([member('a'), member('b')], changes);
    const after = applyMemberChanges(applyMemberChanges([member('a'), member('b')], changes), changes);
    expect(after).toEqual(before);
    expect(before.map((m) => `${m.userId}:${m.username}`).sort()).toEqual(['a:A2', 'b:b']);
  });

  it('reads only its own channel from the events', () => {
    expect(memberListChange({ type: 'member.joined', channelId: 'x', member: member('c') }, 'x')).toEqual({
      joined: member('c'),
    });
    expect(memberListChange({ type: 'member.left', channelId: 'x', userId: 'c' }, 'x')).toEqual({
      left: 'c',
    });
    expect(memberListChange({ type: 'member.left', channelId: 'y', userId: 'c' }, 'x')).toBeNull();
    expect(memberListChange({ type: 'typing', channelId: 'x', userId: 'c', username: 'c' }, 'x')).toBeNull();
  });
});
