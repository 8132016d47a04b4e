import { describe, expect, it } from 'vitest';
import { ChannelFanout } from './channel-fanout.ts';
import type { Connection } from './connection.ts';

/** A member that records what it is sent; `writeMs` makes each write take that long. */
function member(name: string, writeMs = 0) {
  const frames: Buffer[] = [];
  const payloads: unknown[] = [];
  const conn = {
    name,
    sendFrame(frame: Buffer, payload: Buffer) {
      const until = performance.now() + writeMs;
      while (performance.now() < until);
      frames.push(frame);
      payloads.push(JSON.parse(payload.toString()));
    },
  } as unknown as Connection;
  return { conn, frames, payloads };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ChannelFanout', () => {
  it("writes a channel's events of one turn as one frame, the same bytes to every member", async () => {
    const a = member('a');
    const b = member('b');
    const fanout = new ChannelFanout((id) => (id === 'c1' ? [a.conn, b.conn] : undefined));
    fanout.push('c1', '{"n":1}');
    fanout.push('c1', '{"n":2}');
    fanout.push('gone', '{"n":3}');
    expect(a.frames).toHaveLength(0);
    await nextTurn();
    expect(a.payloads).toEqual([[{ n: 1 }, { n: 2 }]]);
    expect(b.frames[0]).toBe(a.frames[0]);
    fanout.push('c1', '{"n":4}');
    await nextTurn();
    expect(a.payloads[1]).toEqual({ n: 4 });
  });

  it('holds a big channel written moments ago, so later events share its next write', async () => {
    // One slow write (2 ms) stands for a thousand members at a few microseconds each.
    const slow = member('slow', 2);
    const fanout = new ChannelFanout(() => [slow.conn]);
    fanout.push('big', '{"n":1}');
    await nextTurn();
    expect(slow.payloads).toEqual([{ n: 1 }]);
    fanout.push('big', '{"n":2}');
    await nextTurn();
    fanout.push('big', '{"n":3}');
    await nextTurn();
    expect(slow.payloads).toHaveLength(1);
    await sleep(10);
    expect(slow.payloads).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }]]);
    // A held batch is still written at once when the gateway closes.
    fanout.push('big', '{"n":4}');
    fanout.flushAll();
    expect(slow.payloads.at(-1)).toEqual({ n: 4 });
  });

  it('does not hold a small channel', async () => {
    const quick = member('quick');
    const fanout = new ChannelFanout(() => [quick.conn]);
    for (let n = 1; n <= 3; n++) {
      fanout.push('small', `{"n":${n}}`);
      await nextTurn();
      expect(quick.payloads).toHaveLength(n);
    }
  });

  it('writes what is due at once when asked (after a commit), leaving held channels held', async () => {
    const slow = member('slow', 2);
    const quick = member('quick');
    const fanout = new ChannelFanout((id) => (id === 'big' ? [slow.conn] : [quick.conn]));
    fanout.push('big', '{"n":1}');
    await nextTurn();
    fanout.push('big', '{"n":2}'); // held: written 2 ms ago
    fanout.push('small', '{"n":3}');
    fanout.flushDue();
    expect(quick.payloads).toEqual([{ n: 3 }]);
    expect(slow.payloads).toEqual([{ n: 1 }]);
    await nextTurn();
    expect(quick.payloads).toHaveLength(1); // not written twice
    await sleep(10);
    expect(slow.payloads).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('queues events per connection, one frame each per turn, a keyed event replacing its predecessor', async () => {
    const a = member('a');
    const b = member('b');
    const fanout = new ChannelFanout(() => undefined);
    fanout.pushTo([a.conn, b.conn], '{"p":"u1 online"}', 'presence:u1');
    fanout.pushTo([a.conn], '{"t":"typing"}');
    fanout.pushTo([a.conn, b.conn], '{"p":"u2 online"}', 'presence:u2');
    fanout.pushTo([a.conn, b.conn], '{"p":"u1 away"}', 'presence:u1');
    await nextTurn();
    expect(a.payloads).toEqual([[{ p: 'u1 away' }, { t: 'typing' }, { p: 'u2 online' }]]);
    expect(b.payloads).toEqual([[{ p: 'u1 away' }, { p: 'u2 online' }]]);
  });

  it('queues a full state after the changes it supersedes are dropped, so later ones follow it', async () => {
    const a = member('a');
    const fanout = new ChannelFanout(() => undefined);
    fanout.pushTo([a.conn], '{"u":1,"s":"away"}', 'presence:1');
    fanout.pushTo([a.conn], '{"u":2,"s":"away"}', 'watched:2');
    fanout.pushSuperseding(a.conn, '{"reset":[{"u":1,"s":"away"}]}', 'presence:');
    // A change after the state: were u1's first change still queued, this would take its place,
    // ahead of the state, and the state would undo it.
    fanout.pushTo([a.conn], '{"u":1,"s":"online"}', 'presence:1');
    await nextTurn();
    expect(a.payloads).toEqual([
      [{ u: 2, s: 'away' }, { reset: [{ u: 1, s: 'away' }] }, { u: 1, s: 'online' }],
    ]);
  });

  it('reports each batch: from its first event to its last member written, and the writes in it', async () => {
    const a = member('a', 1);
    const b = member('b', 1);
    const seen: Array<{ waited: number; writing: number; writes: number }> = [];
    const fanout = new ChannelFanout((id) => (id === 'c1' ? [a.conn, b.conn] : undefined), 4, {
      observeFanout: (waited, writing, writes) => seen.push({ waited, writing, writes }),
    });
    fanout.push('c1', '{"n":1}');
    fanout.push('c1', '{"n":2}');
    fanout.push('gone', '{"n":3}'); // no members: nothing written, nothing reported
    await nextTurn();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.writes).toBe(2);
    expect(seen[0]!.writing).toBeGreaterThanOrEqual(0.002); // two writes of 1 ms
    expect(seen[0]!.waited).toBeGreaterThanOrEqual(seen[0]!.writing);
    expect(seen[0]!.waited).toBeLessThan(0.1);
    // Written moments ago, so the next event is held (twice the 2 ms write) before its writes:
    // the hold is part of what the reader waited.
    fanout.push('c1', '{"n":4}');
    await sleep(15);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.writes).toBe(2);
    // At least most of the 2 ms (a timer runs on a millisecond clock and may fire a little
    // before 2 ms of performance.now() have passed: 1.96 ms was seen); without the hold it is ~0.
    expect(seen[1]!.waited - seen[1]!.writing).toBeGreaterThanOrEqual(0.0015);
    expect(seen[1]!.waited).toBeLessThan(0.1);
  });

  it('lets a patient event wait for company up to its patience, and no longer', async () => {
    const a = member('a');
    const fanout = new ChannelFanout(() => [a.conn]);
    fanout.push('c1', '{"j":1}', 40);
    await nextTurn();
    fanout.push('c1', '{"j":2}', 40);
    await sleep(10);
    fanout.push('c1', '{"j":3}', 40);
    expect(a.payloads).toEqual([]);
    await sleep(60);
    // Due 40 ms after the first: the three share one write.
    expect(a.payloads).toEqual([[{ j: 1 }, { j: 2 }, { j: 3 }]]);
  });

  it('writes patient events with the next impatient one, in order', async () => {
    const a = member('a');
    const fanout = new ChannelFanout(() => [a.conn]);
    fanout.push('c1', '{"j":1}', 1_000);
    await nextTurn();
    fanout.push('c1', '{"m":2}');
    await nextTurn();
    expect(a.payloads).toEqual([[{ j: 1 }, { m: 2 }]]);
    // Nothing is left to write when the patience would have run out.
    await sleep(20);
    fanout.push('c1', '{"j":3}', 1_000);
    fanout.flushAll();
    expect(a.payloads).toEqual([[{ j: 1 }, { m: 2 }], { j: 3 }]);
  });

  it('gives a connection that joins the members only the events queued after it joined', async () => {
    const a = member('a');
    const late = member('late');
    const members = [a.conn];
    const fanout = new ChannelFanout(() => members);
    fanout.push('c1', '{"j":1}', 20);
    members.push(late.conn);
    fanout.subscribed(late.conn, 'c1');
    fanout.push('c1', '{"j":2}', 20);
    fanout.push('c1', '{"j":3}', 20);
    const later = member('later');
    members.push(later.conn);
    fanout.subscribed(later.conn, 'c1');
    await sleep(40);
    expect(a.payloads).toEqual([[{ j: 1 }, { j: 2 }, { j: 3 }]]);
    expect(late.payloads).toEqual([[{ j: 2 }, { j: 3 }]]);
    expect(later.payloads).toEqual([]);
    // The next batch is everyone's.
    fanout.push('c1', '{"j":4}');
    await nextTurn();
    expect(later.payloads).toEqual([{ j: 4 }]);
  });
});
