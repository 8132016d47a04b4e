import { describe, expect, it, vi } from 'vitest';
import { ChannelFanout } from './channel-fanout.ts';
import type { Connection } from './connection.ts';

/**
 * The fan-out's clock in these tests: a write takes exactly its member's `writeMs`, however busy
 * the machine is (a quick write that measured slow would hold its channel). `withRealTime` also
 * counts real time passing, for the tests that measure a hold's wait.
 */
class TestClock {
  private movedMs = 0;
  constructor(private readonly withRealTime = false) {}
  readonly now = () => this.movedMs + (this.withRealTime ? performance.now() : 0);
  move(ms: number): void {
    this.movedMs += ms;
  }
}

/** A member that records what it is sent; each write takes `writeMs` on `clock`. */
function member(clock: TestClock, name: string, writeMs = 0) {
  const frames: Buffer[] = [];
  const payloads: unknown[] = [];
  const conn = {
    name,
    sendFrame(frame: Buffer, payload: Buffer) {
      clock.move(writeMs);
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
    const clock = new TestClock();
    const a = member(clock, 'a');
    const b = member(clock, 'b');
    const fanout = new ChannelFanout(
      (id) => (id === 'c1' ? [a.conn, b.conn] : undefined),
      4,
      undefined,
      clock.now,
    );
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
    const clock = new TestClock();
    // One slow write (20 ms) stands for a thousand members at a few microseconds each; the hold
    // (twice that, at most 40 ms here) outlasts two turns of a busy machine.
    const slow = member(clock, 'slow', 20);
    const fanout = new ChannelFanout(() => [slow.conn], 40, undefined, clock.now);
    fanout.push('big', '{"n":1}');
    await nextTurn();
    expect(slow.payloads).toEqual([{ n: 1 }]);
    fanout.push('big', '{"n":2}');
    await nextTurn();
    fanout.push('big', '{"n":3}');
    await nextTurn();
    expect(slow.payloads).toHaveLength(1);
    await vi.waitFor(() => expect(slow.payloads).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(slow.payloads).toEqual([{ n: 1 }, [{ n: 2 }, { n: 3 }]]);
    // A held batch is still written at once when the gateway closes.
    fanout.push('big', '{"n":4}');
    fanout.flushAll();
    expect(slow.payloads.at(-1)).toEqual({ n: 4 });
  });

  it('does not hold a small channel', async () => {
    const clock = new TestClock();
    const quick = member(clock, 'quick', 0.01);
    const fanout = new ChannelFanout(() => [quick.conn], 4, undefined, clock.now);
    for (let n = 1; n <= 3; n++) {
      fanout.push('small', `{"n":${n}}`);
      await nextTurn();
      expect(quick.payloads).toHaveLength(n);
    }
  });

  it('writes what is due at once when asked (after a commit), leaving held channels held', async () => {
    const clock = new TestClock();
    const slow = member(clock, 'slow', 2);
    const quick = member(clock, 'quick');
    const fanout = new ChannelFanout(
      (id) => (id === 'big' ? [slow.conn] : [quick.conn]),
      4,
      undefined,
      clock.now,
    );
    fanout.push('big', '{"n":1}');
    await nextTurn();
    fanout.push('big', '{"n":2}'); // held: written 2 ms ago
    fanout.push('small', '{"n":3}');
    fanout.flushDue();
    expect(quick.payloads).toEqual([{ n: 3 }]);
    expect(slow.payloads).toEqual([{ n: 1 }]);
    await nextTurn();
    expect(quick.payloads).toHaveLength(1); // not written twice
    await vi.waitFor(() => expect(slow.payloads).toEqual([{ n: 1 }, { n: 2 }]), {
      timeout: 2000,
      interval: 5,
    });
  });

  it('queues events per connection, one frame each per turn, a keyed event replacing its predecessor', async () => {
    const clock = new TestClock();
    const a = member(clock, 'a');
    const b = member(clock, 'b');
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
    const clock = new TestClock();
    const a = member(clock, 'a');
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
    // Real time too: the second batch's hold is a real timer, and part of what its reader waited.
    const clock = new TestClock(true);
    const a = member(clock, 'a', 10);
    const b = member(clock, 'b', 10);
    const seen: Array<{ waited: number; writing: number; writes: number }> = [];
    const fanout = new ChannelFanout(
      (id) => (id === 'c1' ? [a.conn, b.conn] : undefined),
      40,
      { observeFanout: (waited, writing, writes) => seen.push({ waited, writing, writes }) },
      clock.now,
    );
    fanout.push('c1', '{"n":1}');
    fanout.push('c1', '{"n":2}');
    fanout.push('gone', '{"n":3}'); // no members: nothing written, nothing reported
    await nextTurn();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.writes).toBe(2);
    expect(seen[0]!.writing).toBeGreaterThanOrEqual(0.02); // two writes of 10 ms
    expect(seen[0]!.waited).toBeGreaterThanOrEqual(seen[0]!.writing);
    expect(seen[0]!.waited).toBeLessThan(1); // seconds, not milliseconds
    // Written moments ago, so the next event is held (twice the 20 ms write, less the moment
    // since) before its writes: the hold is part of what the reader waited.
    fanout.push('c1', '{"n":4}');
    // The hold is a real timer, which a busy machine may run late.
    await vi.waitFor(() => expect(seen).toHaveLength(2), { timeout: 2000, interval: 5 });
    expect(seen[1]!.writes).toBe(2);
    // Without the hold it is ~0.
    expect(seen[1]!.waited - seen[1]!.writing).toBeGreaterThanOrEqual(0.02);
    expect(seen[1]!.waited).toBeLessThan(2);
  });

  it('lets a patient event wait for company up to its patience, and no longer', async () => {
    const clock = new TestClock();
    const a = member(clock, 'a');
    const fanout = new ChannelFanout(() => [a.conn], 4, undefined, clock.now);
    fanout.push('c1', '{"j":1}', 200);
    await nextTurn();
    fanout.push('c1', '{"j":2}', 200);
    await sleep(10);
    fanout.push('c1', '{"j":3}', 200);
    expect(a.payloads).toEqual([]);
    // Due 200 ms after the first: the three share one write.
    await vi.waitFor(() => expect(a.payloads).toHaveLength(1), { timeout: 2000, interval: 5 });
    expect(a.payloads).toEqual([[{ j: 1 }, { j: 2 }, { j: 3 }]]);
  });

  it('writes patient events with the next impatient one, in order', async () => {
    const clock = new TestClock();
    const a = member(clock, 'a');
    const fanout = new ChannelFanout(() => [a.conn], 4, undefined, clock.now);
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
    const clock = new TestClock();
    const a = member(clock, 'a');
    const late = member(clock, 'late');
    const members = [a.conn];
    const fanout = new ChannelFanout(() => members, 4, undefined, clock.now);
    fanout.push('c1', '{"j":1}', 20);
    members.push(late.conn);
    fanout.subscribed(late.conn, 'c1');
    fanout.push('c1', '{"j":2}', 20);
    fanout.push('c1', '{"j":3}', 20);
    const later = member(clock, 'later');
    members.push(later.conn);
    fanout.subscribed(later.conn, 'c1');
    await vi.waitFor(() => expect(a.payloads).toHaveLength(1), { timeout: 2000, interval: 5 });
    expect(a.payloads).toEqual([[{ j: 1 }, { j: 2 }, { j: 3 }]]);
    expect(late.payloads).toEqual([[{ j: 2 }, { j: 3 }]]);
    expect(later.payloads).toEqual([]);
    // The next batch is everyone's.
    fanout.push('c1', '{"j":4}');
    await nextTurn();
    expect(later.payloads).toEqual([{ j: 4 }]);
  });
});
