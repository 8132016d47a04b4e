import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadMarkSender } from './read-mark-sender.ts';

describe('ReadMarkSender', () => {
  let sent: Array<[string, number]>;
  let sender: ReadMarkSender;
  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    sender = new ReadMarkSender((c, s) => sent.push([c, s]), 1_000);
  });
  afterEach(() => vi.useRealTimers());

  it('sends a quiet channel’s mark at once, and a busy one’s latest once per interval', () => {
    sender.mark('a', 1);
    expect(sent).toEqual([['a', 1]]);
    for (let seq = 2; seq <= 50; seq++) {
      vi.advanceTimersByTime(10);
      sender.mark('a', seq);
    }
    sender.mark('b', 7); // another channel is not held back
    expect(sent).toEqual([
      ['a', 1],
      ['b', 7],
    ]);
    vi.advanceTimersByTime(1_000);
    expect(sent.at(-1)).toEqual(['a', 50]);
    expect(sent).toHaveLength(3);
    // Quiet again: at once.
    vi.advanceTimersByTime(2_000);
    sender.mark('a', 51);
    expect(sent.at(-1)).toEqual(['a', 51]);
  });

  it('never sends a position older than one it was given', () => {
    sender.mark('a', 5);
    sender.mark('a', 9);
    sender.mark('a', 7);
    vi.advanceTimersByTime(1_000);
    expect(sent).toEqual([
      ['a', 5],
      ['a', 9],
    ]);
  });

  it('drops what waits when cancelled', () => {
    sender.mark('a', 1);
    sender.mark('a', 2);
    sender.cancel();
    vi.advanceTimersByTime(5_000);
    expect(sent).toEqual([['a', 1]]);
  });
});
