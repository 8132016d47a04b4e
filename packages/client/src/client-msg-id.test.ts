import { describe, expect, it } from 'vitest';
import { newClientMsgId } from './client-msg-id.ts';

describe('newClientMsgId', () => {
  it('is a version 7 UUID carrying the millisecond clock', () => {
    const at = Date.UTC(2026, 10, 26, 1, 30, 0, 123);
    const id = newClientMsgId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by time across milliseconds and never repeats', () => {
    const ids = Array.from({ length: 1000 }, (_, i) =>
      newClientMsgId(1_700_000_000_000 + Math.floor(i / 10)),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 10; i < ids.length; i += 10) expect(ids[i - 1]! < ids[i]!).toBe(true);
  });
});

describe('newClientMsgId drawing from its random pool', () => {
  it('stays unique and well-formed across many refills', () => {
    const ids = Array.from({ length: 5000 }, () => newClientMsgId(1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Every random hex digit position takes many values: the pool is really random, not reused.
    for (const at of [15, 16, 20, 30, 35]) expect(new Set(ids.map((id) => id[at])).size).toBeGreaterThan(8);
  });
});
