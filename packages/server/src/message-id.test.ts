import { describe, expect, it } from 'vitest';
import { newMessageId } from './message-id.ts';

describe('newMessageId', () => {
  it('sorts by creation time, as text, and is URL-safe', () => {
    const times = [0, 1, 35, 36, Date.UTC(2001, 0, 1), Date.now(), Date.UTC(2100, 0, 1)];
    const ids = times.map((t) => newMessageId(t));
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(/^[0-9a-z]{9}[A-Za-z0-9_-]{12}$/);
  });

  it('never repeats, within one millisecond and across refills of its random pool', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 5000 }, () => newMessageId(now)));
    expect(ids.size).toBe(5000);
  });
});
