import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import argon2 from 'argon2';
import { BENCH_PASSWORD } from './generator/segmentchat-client.ts';

/** The part of the server's `Store` that seeding uses (rows as in packages/server/src/store.ts). */
interface SeedStore {
  createUser(user: {
    id: string;
    username: string;
    usernameKey: string;
    skeleton: string;
    passwordHash: string | null;
    role: 'user';
    mustChangePassword: boolean;
    createdAt: number;
    expiresAt: number | null;
    disabled: boolean;
    lastSeen: number | null;
  }): Promise<boolean>;
  createSession(session: {
    tokenHash: string;
    userId: string;
    createdAt: number;
    expiresAt: number;
  }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Loaded by a computed name so `tsc -p bench` does not type-check the whole server (a server
 * change in progress must not break the benchmark's type-check); the interface above is checked
 * at run time by use.
 */
async function openStore(path: string): Promise<SeedStore> {
  const name = '@segmentchat/server';
  const server = (await import(name)) as {
    SqliteStore: new (path: string, options: { synchronous: 'NORMAL' | 'FULL' }) => SeedStore;
  };
  return new server.SqliteStore(path, { synchronous: 'NORMAL' });
}

/** The server's look-alike folding (username-rules.ts), so seeded names obey its uniqueness. */
function skeleton(key: string): string {
  return key.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/0/g, 'o').replace(/[1i|]/g, 'l');
}

const SESSION_TTL_MS = 30 * 24 * 3600_000;

/**
 * Creates accounts and their sessions through the server's own `SqliteStore`, before the server
 * starts, and returns each account's bearer token. Why not POST /api/auth/register: the server
 * allows 20 registrations per IP and then one per 30 s, and hashes each password with argon2id
 * at 64 MiB (tens of ms): fine for people, but 15,000 sign-ups would take the whole session.
 * Sign-up is setup here, not what is measured; the rows are the same a sign-up writes (one
 * real argon2id hash shared by all, tokens stored as their SHA-256), and every client still
 * authenticates with `hello` and its token like any SDK client.
 */
export async function seedAccounts(
  dataDir: string,
  accounts: Array<{ idx: number; name: string }>,
): Promise<Map<number, string>> {
  // NORMAL: no fsync per row while seeding; the server reopens the file with its own setting.
  const store = await openStore(join(dataDir, 'segment_chat.db'));
  const passwordHash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id });
  const tokens = new Map<number, string>();
  const now = Date.now();
  try {
    for (const { idx, name } of accounts) {
      const id = randomBytes(12).toString('base64url');
      const key = name.toLowerCase();
      const created = await store.createUser({
        id,
        username: name,
        usernameKey: key,
        skeleton: skeleton(key),
        passwordHash,
        role: 'user',
        mustChangePassword: false,
        createdAt: now,
        expiresAt: null,
        disabled: false,
        lastSeen: null,
      });
      if (!created) throw new Error(`seeding: username ${name} is taken`);
      const token = randomBytes(32).toString('base64url');
      const tokenHash = createHash('sha256').update(token).digest('hex');
      await store.createSession({ tokenHash, userId: id, createdAt: now, expiresAt: now + SESSION_TTL_MS });
      tokens.set(idx, token);
    }
  } finally {
    await store.close();
  }
  return tokens;
}
