import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileOutboxStore } from './file-outbox-store.ts';
import { outboxStoreContract } from './outbox-store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'sc-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

outboxStoreContract('FileOutboxStore', async (name) => new FileOutboxStore(join(dir, `${name}.jsonl`)), {
  durable: true,
});

describe('FileOutboxStore on disk', () => {
  const entry = (n: number) => ({
    clientMsgId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    channelId: 'c1',
    text: `m${n}`,
    attachments: [],
    createdAt: n,
    status: 'pending' as const,
  });

  it('ignores a torn last line left by a crash mid-append', async () => {
    const path = join(dir, 'torn.jsonl');
    const a = new FileOutboxStore(path);
    await a.put(entry(1));
    await a.close();
    appendFileSync(path, '{"op":"put","entry":{"clientMsgId":"x","chan');
    const b = new FileOutboxStore(path);
    expect((await b.load()).map((e) => e.text)).toEqual(['m1']);
    await b.close();
  });

  it('compacts the log on open so it does not grow forever', async () => {
    const path = join(dir, 'compact.jsonl');
    const a = new FileOutboxStore(path);
    for (let i = 0; i < 50; i++) {
      await a.put(entry(i));
      if (i % 5 !== 0) await a.delete(entry(i).clientMsgId);
    }
    await a.close();
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(90);
    const b = new FileOutboxStore(path);
    expect((await b.load()).length).toBe(10);
    expect(readFileSync(path, 'utf8').trim().split('\n').length).toBe(10);
    await b.close();
  });

  it('refuses a file another live process holds, and takes over a lock left by a dead one', async () => {
    const path = join(dir, 'locked.jsonl');
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((r) => other.once('spawn', r));
    writeFileSync(`${path}.lock`, String(other.pid));
    await expect(new FileOutboxStore(path).load()).rejects.toMatchObject({ code: 'CONFLICT' });
    other.kill('SIGKILL');
    await new Promise((r) => other.once('exit', r));
    const store = new FileOutboxStore(path);
    expect(await store.load()).toEqual([]);
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(String(process.pid));
    await store.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });
});
