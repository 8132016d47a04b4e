import { describe, expect, it } from 'vitest';
import type { OutboxStore, PendingMessage } from './outbox-store.ts';

/**
 * The contract every `OutboxStore` passes. `open(name)` returns a store over the storage called
 * `name`; opening the same name again must see what the first one wrote (durability).
 */
export function outboxStoreContract(
  label: string,
  open: (name: string) => Promise<OutboxStore>,
  options: { durable: boolean },
): void {
  let counter = 0;
  const fresh = () => `${label}-${process.pid}-${Date.now()}-${counter++}`;
  const entry = (n: number, over: Partial<PendingMessage> = {}): PendingMessage => ({
    clientMsgId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    channelId: 'c1',
    text: `message ${n}`,
    attachments: [],
    createdAt: 1_700_000_000_000 + n,
    status: 'pending',
    ...over,
  });

  describe(`OutboxStore contract: ${label}`, () => {
    it('starts empty', async () => {
      const store = await open(fresh());
      expect(await store.load()).toEqual([]);
      await store.close?.();
    });

    it('loads entries in the order they were first put, replacing in place', async () => {
      const store = await open(fresh());
      for (const n of [3, 1, 2]) await store.put(entry(n));
      await store.put(entry(1, { status: 'failed', error: { code: 'NOT_FOUND', message: 'gone' } }));
      const loaded = await store.load();
      expect(loaded.map((e) => e.text)).toEqual(['message 3', 'message 1', 'message 2']);
      expect(loaded[1]).toEqual(
        entry(1, { status: 'failed', error: { code: 'NOT_FOUND', message: 'gone' } }),
      );
      await store.close?.();
    });

    it('deletes, and deleting a missing id is a no-op', async () => {
      const store = await open(fresh());
      await store.put(entry(1));
      await store.put(entry(2));
      await store.delete(entry(1).clientMsgId);
      await store.delete('missing');
      expect((await store.load()).map((e) => e.text)).toEqual(['message 2']);
      await store.close?.();
    });

    it('returns copies, not live references', async () => {
      const store = await open(fresh());
      const e = entry(1, { attachments: ['a'.repeat(64)] });
      await store.put(e);
      e.attachments.push('mutated');
      const [loaded] = await store.load();
      loaded!.text = 'changed';
      expect(await store.load()).toEqual([entry(1, { attachments: ['a'.repeat(64)] })]);
      await store.close?.();
    });

    it('keeps order under many concurrent puts and deletes', async () => {
      const store = await open(fresh());
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.put(entry(i))));
      await Promise.all(Array.from({ length: 100 }, (_, i) => store.delete(entry(i * 2).clientMsgId)));
      const loaded = await store.load();
      expect(loaded.map((e) => e.text)).toEqual(
        Array.from({ length: 100 }, (_, i) => `message ${i * 2 + 1}`),
      );
      await store.close?.();
    });

    it.runIf(options.durable)('survives being reopened', async () => {
      const name = fresh();
      const a = await open(name);
      await a.put(entry(1));
      await a.put(entry(2));
      await a.put(entry(3));
      await a.delete(entry(2).clientMsgId);
      await a.put(entry(1, { status: 'failed', error: { code: 'FORBIDDEN', message: 'no' } }));
      await a.close?.();
      const b = await open(name);
      expect(await b.load()).toEqual([
        entry(1, { status: 'failed', error: { code: 'FORBIDDEN', message: 'no' } }),
        entry(3),
      ]);
      await b.put(entry(4));
      await b.close?.();
      const c = await open(name);
      expect((await c.load()).map((e) => e.text)).toEqual(['message 1', 'message 3', 'message 4']);
      await c.close?.();
    });
  });
}
