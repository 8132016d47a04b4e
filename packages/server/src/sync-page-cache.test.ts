import { describe, expect, it } from 'vitest';
import type { Message } from '@segmentchat/protocol';
import { SyncPageCache } from './sync-page-cache.ts';

const messages = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `m${i}` }) as unknown as Message);

describe('SyncPageCache', () => {
  it('answers a page only while the channel has the rev it was read at', () => {
    const cache = new SyncPageCache();
    const page = messages(3);
    cache.put('c1', 10, 100, 13, page);
    expect(cache.get('c1', 10, 100, 13)?.messages).toBe(page);
    expect(cache.get('c1', 10, 100, 14)).toBeUndefined();
    expect(cache.get('c1', 11, 100, 13)).toBeUndefined();
    expect(cache.get('c1', 10, 50, 13)).toBeUndefined();
    expect(cache.get('c2', 10, 100, 13)).toBeUndefined();
    const newer = messages(4);
    cache.put('c1', 10, 100, 14, newer);
    expect(cache.get('c1', 10, 100, 14)?.messages).toBe(newer);
    expect(cache.get('c1', 10, 100, 13)).toBeUndefined();
  });

  it('keeps at most 20,000 messages, dropping the oldest pages first', () => {
    const cache = new SyncPageCache();
    for (let i = 0; i < 4; i++) cache.put(`c${i}`, 0, 10_000, 1, messages(6_000));
    expect(cache.get('c0', 0, 10_000, 1)).toBeUndefined();
    for (let i = 1; i < 4; i++) expect(cache.get(`c${i}`, 0, 10_000, 1)?.messages).toHaveLength(6_000);
    cache.put('big', 0, 30_000, 1, messages(25_000));
    expect(cache.get('big', 0, 30_000, 1)).toBeUndefined();
    expect(cache.get('c3', 0, 10_000, 1)?.messages).toHaveLength(6_000);
  });

  it('serializes a page once, for every client that is sent it', () => {
    const cache = new SyncPageCache();
    const page = cache.put('c1', 0, 100, 3, messages(3));
    expect(page.bytes.toString()).toBe('{"id":"m0"},{"id":"m1"},{"id":"m2"}');
    page.messages.push({ id: 'late' } as unknown as Message);
    expect(cache.get('c1', 0, 100, 3)?.bytes).toBe(page.bytes);
    expect(page.bytes.toString()).toBe('{"id":"m0"},{"id":"m1"},{"id":"m2"}');
    expect(cache.put('c2', 0, 100, 0, []).bytes).toHaveLength(0);
  });
});
