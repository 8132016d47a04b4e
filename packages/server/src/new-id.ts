import { randomBytes } from 'node:crypto';

/** A random, URL-safe id: 96 bits, 16 characters; unguessable, so ids leak nothing. */
export function newId(): string {
  return randomBytes(12).toString('base64url');
}

/** A session token or invite code: 256 bits. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}
