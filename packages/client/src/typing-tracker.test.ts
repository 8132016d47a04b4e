import { describe, expect, it } from 'vitest';
import { TYPING_TTL_MS, TypingTracker } from './typing-tracker.ts';

describe('TypingTracker', () => {
  it('lists who types, expires them after the TTL, and keeps snapshots stable', () => {
    let now = 1000;
    let changes = 0;
    const t = new TypingTracker(
      () => changes++,
      () => now,
    );
    t.typing('c1', 'u1', 'alice');
    t.typing('c1', 'u2', 'bob');
    const snap = t.usernames('c1');
    expect(snap).toEqual(['alice', 'bob']);
    expect(t.usernames('c1')).toBe(snap);
    expect(t.usernames('c2')).toEqual([]);
    now += TYPING_TTL_MS - 1;
    t.typing('c1', 'u2', 'bob'); // bob keeps typing
    now += 2;
    t.stopped('c1', 'nobody');
    // alice's entry is past its TTL; the snapshot is rebuilt once something changed
    t.stopped('c1', 'u2');
    expect(t.usernames('c1')).toEqual([]);
    expect(changes).toBeGreaterThanOrEqual(3);
    t.clear();
  });
});
