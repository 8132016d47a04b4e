import { describe, expect, it } from 'vitest';
import { CommitBatcher } from './commit-batcher.ts';
import { Metrics } from './metrics.ts';
import type { AppendResult, NewMessage, Store } from './store.ts';

/**
 * A store that answers every append, with its clientMsgId to tell the answers apart; `commits`
 * records each batch's size.
 */
function fakeStore() {
  const commits: number[] = [];
  const store = {
    async appendMessages(batch: NewMessage[]): Promise<AppendResult[]> {
      commits.push(batch.length);
      return batch.map((m) => ({ status: 'refused', reason: m.clientMsgId }));
    },
  } as unknown as Store;
  return { store, commits };
}

const message = (n: number) => ({ clientMsgId: `m${n}` }) as NewMessage;

describe('CommitBatcher', () => {
  it("calls its commit listeners after the answered callers' promise callbacks, before the next turn", async () => {
    const { store, commits } = fakeStore();
    const batcher = new CommitBatcher(store, new Metrics());
    const log: string[] = [];
    const stop = batcher.afterEachCommit(() => log.push('committed'));
    // Each caller does one more step after its answer, as a send publishes its message.
    const sends = [1, 2].map((n) =>
      batcher.append(message(n)).then(async (r) => {
        await Promise.resolve();
        log.push(`published ${r.status === 'refused' ? r.reason : '?'}`);
      }),
    );
    setImmediate(() => log.push('next immediate'));
    await Promise.all(sends);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(commits).toEqual([2]);
    expect(log).toEqual(['published m1', 'published m2', 'committed', 'next immediate']);

    stop();
    await batcher.append(message(3));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(log.filter((l) => l === 'committed')).toHaveLength(1);
  });
});
