import argon2 from 'argon2';

/**
 * argon2id with the library's defaults (64 MiB, 3 passes: ~125 ms here), which is what protects
 * stored passwords. `SEGMENTCHAT_FAST_HASH=1` drops the cost to 1 MiB / 1 pass for test suites
 * that create hundreds of accounts; it is still argon2id, and the server warns when it is on.
 * Read at each call, so a test may set it after this module was imported.
 */
export function fastPasswordHashing(): boolean {
  return process.env.SEGMENTCHAT_FAST_HASH === '1';
}

export function hashPassword(password: string): Promise<string> {
  const cost = fastPasswordHashing() ? { memoryCost: 1024, timeCost: 1, parallelism: 1 } : {};
  return argon2.hash(password, { type: argon2.argon2id, ...cost });
}

/** The cost is read from the hash itself, so hashes made with either setting verify. */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password);
}
