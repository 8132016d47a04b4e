import type { PendingMessage } from '@segmentchat/client';
import type { Message } from '@segmentchat/protocol';
import { dayKey } from '../chat/format-time.ts';

/** One row of the message list. `grouped` rows continue the previous author's block. */
export type Row =
  | { kind: 'day'; key: string; at: number }
  | { kind: 'unread'; key: string }
  | { kind: 'message'; key: string; message: Message; grouped: boolean }
  | { kind: 'pending'; key: string; pending: PendingMessage; grouped: boolean; authorName: string };

/** Messages by the same author within this many ms share one header (as in Slack and Discord). */
const GROUP_WINDOW_MS = 5 * 60_000;

export function buildRows(
  messages: readonly Message[],
  pending: readonly PendingMessage[],
  options: { unreadAfterSeq: number | null; myId: string; myName: string },
): Row[] {
  const rows: Row[] = [];
  let prevAuthor: string | null = null;
  let prevAt = 0;
  let prevDay = '';
  let unreadPlaced = false;
  // Pending messages the server already acknowledged would show twice while the SDK catches up.
  const stored = new Set<string>();

  for (const m of messages) {
    stored.add(m.clientMsgId);
    const day = dayKey(m.createdAt);
    let breakGroup = false;
    if (day !== prevDay) {
      rows.push({ kind: 'day', key: `day:${day}`, at: m.createdAt });
      prevDay = day;
      breakGroup = true;
    }
    if (
      !unreadPlaced &&
      options.unreadAfterSeq !== null &&
      m.seq > options.unreadAfterSeq &&
      m.authorId !== options.myId
    ) {
      rows.push({ kind: 'unread', key: 'unread' });
      unreadPlaced = true;
      breakGroup = true;
    }
    const author = m.kind === 'system' ? null : (m.authorId ?? `name:${m.authorName}`);
    const grouped =
      !breakGroup &&
      author !== null &&
      author === prevAuthor &&
      m.createdAt - prevAt < GROUP_WINDOW_MS &&
      !m.deleted;
    rows.push({ kind: 'message', key: `m:${m.id}`, message: m, grouped });
    prevAuthor = m.deleted ? null : author;
    prevAt = m.createdAt;
  }

  for (const p of pending) {
    if (stored.has(p.clientMsgId)) continue;
    const day = dayKey(p.createdAt);
    let breakGroup = false;
    if (day !== prevDay) {
      rows.push({ kind: 'day', key: `day:${day}`, at: p.createdAt });
      prevDay = day;
      breakGroup = true;
    }
    const grouped = !breakGroup && prevAuthor === options.myId && p.createdAt - prevAt < GROUP_WINDOW_MS;
    rows.push({
      kind: 'pending',
      key: `p:${p.clientMsgId}`,
      pending: p,
      grouped,
      authorName: options.myName,
    });
    prevAuthor = options.myId;
    prevAt = p.createdAt;
  }
  return rows;
}
