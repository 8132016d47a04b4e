import type { PresenceStatus } from '@segmentchat/protocol';

const RANK: Record<PresenceStatus, number> = { online: 0, away: 1, offline: 2 };

/** Online first, then away, then offline; by name within each: who can answer now comes first. */
export function byPresence(
  a: { status: PresenceStatus; username: string },
  b: { status: PresenceStatus; username: string },
): number {
  return RANK[a.status] - RANK[b.status] || a.username.localeCompare(b.username);
}
