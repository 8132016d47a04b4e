import type { Message } from '@segmentchat/protocol';
import { describe, expect, it } from 'vitest';
import { Timeline } from './timeline.ts';

const msg = (seq: number, over: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  channelId: 'c1',
  seq,
  rev: seq,
  authorId: 'u2',
  authorName: 'bob',
  clientMsgId: `cm${seq}`,
  kind: 'text',
  text: `text ${seq}`,
  attachments: [],
  createdAt: seq,
  editedAt: null,
  deleted: false,
  ...over,
});
const seqs = (t: Timeline) => t.messages().map((m) => m.seq);

describe('Timeline', () => {
  it('merges live, history and sync deliveries in any order into one ascending, deduped list', () => {
    const t = new Timeline(5); // tracked when the channel's last seq was 4
    // live events arrive first, with a gap (7 missing)
    for (const s of [5, 6, 8]) t.upsert(msg(s));
    // sync fills the gap and repeats what we had
    for (const s of [6, 7, 8, 9]) t.upsert(msg(s));
    // history page of older messages, overlapping the window
    t.addHistory([msg(2), msg(3), msg(4), msg(5)], true);
    // the same live event delivered again (ack + event)
    t.upsert(msg(9));
    expect(seqs(t)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(t.completeFrom).toBe(2);
    expect(t.hasMoreOlder).toBe(true);
    t.addHistory([msg(1)], false);
    expect(t.completeFrom).toBe(1);
    expect(t.hasMoreOlder).toBe(false);
  });

  it('accepts older messages that arrive after newer ones when they are above completeFrom', () => {
    // Tracked at last seq 0; a socket drop loses 1..3 live, 4 arrives live, sync brings 1..3.
    const t = new Timeline(1);
    t.upsert(msg(4));
    for (const s of [1, 2, 3]) expect(t.upsert(msg(s))).toBe('added');
    expect(seqs(t)).toEqual([1, 2, 3, 4]);
  });

  it('keeps the newest state of an edited message whatever order the revisions arrive in', () => {
    const t = new Timeline(1);
    t.upsert(msg(1));
    t.upsert(msg(2));
    expect(t.upsert(msg(1, { rev: 5, text: 'edited', editedAt: 10 }))).toBe('updated');
    expect(t.upsert(msg(1, { rev: 3, text: 'older edit' }))).toBe('ignored');
    expect(t.upsert(msg(1))).toBe('ignored');
    expect(t.get(1)?.text).toBe('edited');
    expect(t.upsert(msg(2, { rev: 6, deleted: true, text: '' }))).toBe('updated');
    expect(t.messages().map((m) => [m.seq, m.text])).toEqual([
      [1, 'edited'],
      [2, ''],
    ]);
  });

  it('drops a change below completeFrom instead of leaving a hole; history brings it', () => {
    const t = new Timeline();
    t.addHistory([msg(50), msg(51)], true);
    expect(t.completeFrom).toBe(50);
    expect(t.upsert(msg(10, { rev: 60, text: 'edit of an old one', editedAt: 5 }))).toBe('ignored');
    expect(seqs(t)).toEqual([50, 51]);
    t.addHistory([msg(10, { rev: 60, text: 'edit of an old one', editedAt: 5 }), msg(11)], true);
    expect(t.get(10)?.text).toBe('edit of an old one');
    // with no edge known yet, an edit of an old message cannot set one; a new message can
    const fresh = new Timeline();
    expect(fresh.upsert(msg(3, { rev: 9, editedAt: 1 }))).toBe('ignored');
    expect(fresh.upsert(msg(8))).toBe('added');
    expect(fresh.completeFrom).toBe(8);
    expect(fresh.upsert(msg(3, { rev: 9, editedAt: 1 }))).toBe('ignored');
  });

  it('returns the same snapshot until something changes', () => {
    const t = new Timeline(1);
    t.upsert(msg(1));
    const a = t.messages();
    expect(t.messages()).toBe(a);
    t.upsert(msg(1));
    expect(t.messages()).toBe(a);
    t.upsert(msg(2));
    expect(t.messages()).not.toBe(a);
    expect(Object.isFrozen(t.messages())).toBe(true);
  });

  it('handles many out-of-order inserts', () => {
    const t = new Timeline(1);
    const order = Array.from({ length: 500 }, (_, i) => i + 1).sort(
      (a, b) => ((a * 7919) % 500) - ((b * 7919) % 500),
    );
    for (const s of order) t.upsert(msg(s));
    for (const s of order) t.upsert(msg(s));
    expect(seqs(t)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('counts unread: others’ live messages after the read position, plus seqs not loaded', () => {
    const t = new Timeline(8);
    for (const s of [8, 9, 10]) t.upsert(msg(s));
    t.upsert(msg(11, { authorId: 'me' }));
    t.upsert(msg(12, { deleted: true, text: '' }));
    expect(t.unreadAfter(9, 12, 'me')).toBe(1); // 10 only
    expect(t.unreadAfter(12, 12, 'me')).toBe(0);
    expect(t.unreadAfter(5, 12, 'me')).toBe(3 + 2); // 8,9,10 known + 6,7 not loaded
    expect(t.unreadAfter(9, 15, 'me')).toBe(1 + 3); // 13..15 known only by lastSeq
  });

  it('trims the oldest beyond a maximum and moves completeFrom up so they can be fetched again', () => {
    const t = new Timeline(1);
    for (let s = 1; s <= 10; s++) t.upsert(msg(s));
    expect(t.trim(20)).toBe(false);
    expect(t.trim(4)).toBe(true);
    expect(seqs(t)).toEqual([7, 8, 9, 10]);
    expect(t.completeFrom).toBe(7);
    expect(t.hasMoreOlder).toBe(true);
    expect(t.upsert(msg(3))).toBe('ignored');
    t.addHistory([msg(5), msg(6)], true);
    expect(seqs(t)).toEqual([5, 6, 7, 8, 9, 10]);
  });
});
