import { describe, expect, it } from 'vitest';
import type { Presence } from '@segmentchat/protocol';
import { PresenceTracker } from './presence-tracker.ts';

const p = (userId: string, status: Presence['status']): Presence => ({
  userId,
  username: userId,
  status,
  lastSeen: status === 'offline' ? 5 : null,
});

describe('PresenceTracker', () => {
  it('replaces everything on a full hello and merges a delta', () => {
    const t = new PresenceTracker();
    t.hello({ presence: [p('a', 'online'), p('b', 'online')], presenceDelta: false, presenceCursor: 'e.1' });
    t.update(p('c', 'offline'));
    t.hello({ presence: [p('b', 'away')], presenceDelta: true, presenceCursor: 'e.4' });
    expect(t.all().map((x) => [x.userId, x.status])).toEqual([
      ['a', 'online'],
      ['b', 'away'],
      ['c', 'offline'],
    ]);
    t.hello({ presence: [p('a', 'online')], presenceDelta: false, presenceCursor: 'e.9' });
    expect(t.all().map((x) => x.userId)).toEqual(['a']);
  });

  it('moves its cursor forward with events of the same server run only', () => {
    const t = new PresenceTracker();
    expect(t.cursor).toBeUndefined();
    t.hello({ presence: [], presenceDelta: false, presenceCursor: 'e.10' });
    t.update(p('a', 'online'), 'e.12');
    expect(t.cursor).toBe('e.12');
    t.update(p('a', 'away'), 'e.11'); // late, older: the cursor stays
    expect(t.cursor).toBe('e.12');
    t.update(p('a', 'online'), 'other.99'); // another run's: never later
    expect(t.cursor).toBe('e.12');
    t.forgetCursor();
    t.update(p('a', 'away'), 'e.20'); // without a base, an event alone is not a complete view
    expect(t.cursor).toBeUndefined();
  });

  it('keeps watched people apart from the pushed list, and forgets them when no longer watched', () => {
    const t = new PresenceTracker();
    t.hello({ presence: [p('a', 'online')], presenceDelta: false, presenceCursor: 'e.1' });
    t.watch(['w']);
    expect(t.updateWatched(p('w', 'online'))).toBe(true);
    expect(t.updateWatched(p('x', 'online'), 'e.3')).toBe(false); // not asked for
    expect(t.cursor).toBe('e.3');
    expect(t.get('w')?.status).toBe('online');
    expect(t.all().map((x) => x.userId)).toEqual(['a']);
    t.watch([]);
    expect(t.get('w')).toBeUndefined();
  });

  it('answers the newer of a pushed and a watched entry for the same person', () => {
    const t = new PresenceTracker();
    t.hello({ presence: [p('a', 'online')], presenceDelta: false, presenceCursor: 'e.1' });
    t.watch(['a']);
    t.updateWatched(p('a', 'away'));
    expect(t.get('a')?.status).toBe('away');
    // The same status pushed again is news: it is newer than the watched entry.
    expect(t.update(p('a', 'online'))).toBe(true);
    expect(t.get('a')?.status).toBe('online');
  });

  it('keeps a watched change that overtook the answer it is newer than', () => {
    const t = new PresenceTracker();
    t.hello({ presence: [], presenceDelta: false, presenceCursor: 'e.1' });
    t.watch(['w']);
    t.updateWatched(p('w', 'online'), 'e.5');
    expect(t.watchedAsOf(p('w', 'offline'), 'e.4')).toBe(false);
    expect(t.get('w')?.status).toBe('online');
    expect(t.watchedAsOf(p('w', 'away'), 'e.6')).toBe(true);
    expect(t.get('w')?.status).toBe('away');
  });
});
