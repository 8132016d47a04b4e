import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAdminStore } from '../src/sqlite-admin-store.ts';
import { SqliteStore } from '../src/sqlite-store.ts';
import type { UserRow } from '../src/store.ts';
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

  it('forgets remembered access when the admin store changes members or channels with its own SQL', async () => {
    const store = new SqliteStore(join(dir, 'access.db'));
    const admin = new SqliteAdminStore(store.database);
    const person = (id: string): UserRow => ({
      id,
      username: id,
      usernameKey: id,
      skeleton: id,
      passwordHash: null,
      role: 'user',
      mustChangePassword: false,
      createdAt: 1,
      expiresAt: null,
      disabled: false,
      lastSeen: null,
    });
    for (const id of ['ann', 'bo']) await store.createUser(person(id));
    for (const id of ['c1', 'c2']) {
      await store.createChannel({
        id,
        kind: 'channel',
        name: id,
        description: '',
        visibility: 'public',
        ownerId: null,
        createdAt: 1,
        dmUsers: null,
      });
      for (const u of ['ann', 'bo']) await store.addMember(id, u, 1);
    }
    for (const c of ['c1', 'c2'])
      for (const u of ['ann', 'bo']) expect(await store.channelAccess(c, u)).toMatchObject({ member: true });

    await admin.updateChannel('c1', { visibility: 'private' });
    expect(await store.channelAccess('c1', 'ann')).toEqual({
      kind: 'channel',
      visibility: 'private',
      member: true,
    });
    await admin.deleteUser('bo');
    expect(await store.channelAccess('c1', 'bo')).toMatchObject({ member: false });
    expect(await store.channelAccess('c2', 'bo')).toMatchObject({ member: false });
    await admin.deleteChannel('c2');
    expect(await store.channelAccess('c2', 'ann')).toBeUndefined();
    expect(await store.channelAccess('c1', 'ann')).toMatchObject({ member: true });
    await store.close();
  });
});
