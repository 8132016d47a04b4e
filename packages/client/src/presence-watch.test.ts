import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Limits } from '@segmentchat/protocol';
import type { Presence } from '@segmentchat/protocol';
import { PresenceWatch } from './presence-watch.ts';

const online = (userId: string): Presence => ({ userId, username: userId, status: 'online', lastSeen: null });

function harness() {
  const sent: string[][] = [];
  const answered: string[][] = [];
  const pending: Array<{ resolve: (p: Presence[]) => void; reject: (e: Error) => void }> = [];
  let isOnline = true;
  const watch = new PresenceWatch({
    request: (ids) => {
      sent.push([...ids]);
      return new Promise<Presence[]>((resolve, reject) => pending.push({ resolve, reject })).then(
        (presence) => ({ presence, cursor: 'e.1' }),
      );
    },
    online: () => isOnline,
    watching: () => undefined,
    answered: ({ presence }) => answered.push(presence.map((x) => x.userId)),
  });
  return { watch, sent, answered, pending, setOnline: (v: boolean) => (isOnline = v) };
}

describe('PresenceWatch', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the union of what the parts watch once per tick, and only when it changed', async () => {
    const h = harness();
    const stopA = h.watch.add(['a', 'b']);
    h.watch.add(['b', 'c']);
    await vi.runAllTimersAsync();
    expect(h.sent).toEqual([['b', 'c', 'a']]);
    h.watch.add(['a']);
    await vi.runAllTimersAsync();
    expect(h.sent).toHaveLength(1); // the same set
    stopA();
    h.watch.add(['d']);
    await vi.runAllTimersAsync();
    expect(h.sent.at(-1)!.sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('sends nothing while offline, and the whole set again after each reconnect', async () => {
    const h = harness();
    h.setOnline(false);
    h.watch.add(['a']);
    await vi.runAllTimersAsync();
    expect(h.sent).toEqual([]);
    h.setOnline(true);
    h.watch.reconnected();
    await vi.runAllTimersAsync();
    h.watch.reconnected();
    await vi.runAllTimersAsync();
    expect(h.sent).toEqual([['a'], ['a']]);
  });

  it('applies only the answer to the latest set, and asks again after a failed request', async () => {
    const h = harness();
    const stop = h.watch.add(['a']);
    await vi.runAllTimersAsync();
    stop();
    h.watch.add(['b']);
    await vi.runAllTimersAsync();
    h.pending[0]!.resolve([online('a')]);
    h.pending[1]!.reject(new Error('connection lost'));
    await vi.runAllTimersAsync();
    expect(h.answered).toEqual([]);
    h.watch.reconnected();
    await vi.runAllTimersAsync();
    h.pending[2]!.resolve([online('b')]);
    await vi.runAllTimersAsync();
    expect(h.answered).toEqual([['b']]);
  });

  it('keeps to the limit, the parts that asked last first', async () => {
    const h = harness();
    h.watch.add(Array.from({ length: Limits.PRESENCE_WATCH_MAX }, (_, i) => `old${i}`));
    h.watch.add(['new']);
    await vi.runAllTimersAsync();
    expect(h.sent[0]).toHaveLength(Limits.PRESENCE_WATCH_MAX);
    expect(h.sent[0]![0]).toBe('new');
  });
});
