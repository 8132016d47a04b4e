import type { Member, ServerEvent } from '@segmentchat/protocol';

/** A join or a leave of one channel, as its `member.joined` / `member.left` event says. */
export type MemberListChange = { joined: Member } | { left: string };

/** The change an event makes to `channelId`'s member list, or null for any other event. */
export function memberListChange(event: ServerEvent, channelId: string): MemberListChange | null {
  if (event.type === 'member.joined' && event.channelId === channelId) return { joined: event.member };
  if (event.type === 'member.left' && event.channelId === channelId) return { left: event.userId };
  return null;
}

/**
 * The list with the changes applied in order. Applying a change the list already reflects
 * changes nothing, so changes heard while the list was being fetched can be applied to the
 * fetched list whether the server read it before or after them.
 */
export function applyMemberChanges(
  members: readonly Member[],
  changes: readonly MemberListChange[],
): Member[] {
  let out = members.slice();
  for (const change of changes) {
    if ('joined' in change) {
      const at = out.findIndex((m) => m.userId === change.joined.userId);
      if (at < 0) out.push(change.joined);
      else out[at] = change.joined;
    } else {
      out = out.filter((m) => m.userId !== change.left);
    }
  }
  return out;
}
