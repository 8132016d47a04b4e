import { describe, expect, it } from 'vitest';
import { PresenceChangeLog } from './presence-change-log.ts';

describe('PresenceChangeLog', () => {
  it('lists each user changed after a point once, at their latest change, oldest first', () => {
    const log = new PresenceChangeLog();
    const latest = new Map<string, number>();
    const change = (seq: number, user: string) => {
      log.add(seq, user);
      latest.set(user, seq);
    };
    change(1, 'a');
    change(2, 'b');
    change(4, 'a');
    change(5, 'c');
    change(7, 'b');
    const since = (n: number) => [...log.since(n, (u) => latest.get(u))];
    expect(since(0)).toEqual(['a', 'c', 'b']);
    expect(since(4)).toEqual(['c', 'b']);
    expect(since(5)).toEqual(['b']);
    expect(since(7)).toEqual([]);
    latest.delete('c'); // no record any more
    expect(since(0)).toEqual(['a', 'b']);
  });

  it('rebuilt from the records, answers the same with one entry per user', () => {
    const log = new PresenceChangeLog();
    for (let seq = 1; seq <= 100; seq += 1) log.add(seq, `u${seq % 3}`);
    const latest = new Map([
      ['u0', 99],
      ['u1', 100],
      ['u2', 98],
      ['never', 0],
    ]);
    const before = [...log.since(50, (u) => latest.get(u))];
    log.rebuild(latest);
    expect(log.length).toBe(3);
    expect([...log.since(50, (u) => latest.get(u))]).toEqual(before);
    expect(before).toEqual(['u2', 'u0', 'u1']);
  });
});
