import { describe, expect, it } from 'vitest';
import type { Message } from '@segmentchat/protocol';
import { buildRows } from './build-rows.ts';

let seq = 0;
function msg(authorId: string, at: number, extra: Partial<Message> = {}): Message {
  seq++;
  return {
    id: `m${seq}`,
    channelId: 'c',
    seq,
    rev: seq,
    authorId,
    authorName: authorId,
    clientMsgId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    kind: 'text',
    text: `t${seq}`,
    attachments: [],
    createdAt: at,
    editedAt: null,
    deleted: false,
    ...extra,
  };
}

const T = new Date(2026, 10, 25, 12, 0).getTime();
const opts = { unreadAfterSeq: null, myId: 'me', myName: 'me' };

describe('buildRows', () => {
  it('groups consecutive messages by author within five minutes', () => {
    seq = 0;
    const rows = buildRows(
      [msg('a', T), msg('a', T + 60_000), msg('b', T + 120_000), msg('b', T + 900_000)],
      [],
      opts,
    );
    expect(
      rows.map((r) => (r.kind === 'message' ? `${r.message.authorId}${r.grouped ? '+' : ''}` : r.kind)),
    ).toEqual(['day', 'a', 'a+', 'b', 'b']);
  });

  it('places the new-messages divider before the first unread message from someone else', () => {
    seq = 0;
    const rows = buildRows([msg('a', T), msg('me', T + 1), msg('a', T + 2)], [], {
      ...opts,
      unreadAfterSeq: 1,
    });
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'message', 'unread', 'message']);
  });

  it('adds a day divider when the day changes', () => {
    seq = 0;
    const rows = buildRows([msg('a', T), msg('a', T + 86_400_000)], [], opts);
    expect(rows.map((r) => r.kind)).toEqual(['day', 'message', 'day', 'message']);
  });

  it('appends pending messages, hiding ones already stored', () => {
    seq = 0;
    const stored = msg('me', T);
    const pending = [
      {
        clientMsgId: stored.clientMsgId,
        channelId: 'c',
        text: 'x',
        attachments: [],
        createdAt: T,
        status: 'sending' as const,
      },
      {
        clientMsgId: 'p2',
        channelId: 'c',
        text: 'y',
        attachments: [],
        createdAt: T + 5,
        status: 'pending' as const,
      },
    ];
    const rows = buildRows([stored], pending, opts);
    expect(rows.map((r) => r.key)).toEqual([expect.stringMatching(/^day:/), `m:${stored.id}`, 'p:p2']);
    expect(rows[2]).toMatchObject({ kind: 'pending', grouped: true });
  });
});
