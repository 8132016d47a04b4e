import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/sqlite-store.ts';
import { storeContract } from './store-contract.ts';

const dir = mkdtempSync(join(tmpdir(), 'segmentchat-store-'));
let i = 0;
storeContract('SQLite', async () => new SqliteStore(join(dir, `store-${++i}.db`)));

describe('SqliteStore', () => {
  it('migrates a fresh file and reopens it without migrating twice', async () => {
    const path = join(dir, 'reopen.db');
    const first = new SqliteStore(path);
    await first.createChannel({
      id: 'x',
      kind: 'channel',
      name: 'x-chan',
      description: '',
      visibility: 'public',
      ownerId: null,
      createdAt: 1,
      dmUsers: null,
    });
    await first.close();
    const second = new SqliteStore(path);
    expect((await second.findChannel('x'))?.name).toBe('x-chan');
    expect(await second.integrityCheck()).toBe('ok');
    await second.close();
  });
});
