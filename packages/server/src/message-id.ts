import { randomFillSync } from 'node:crypto';

/** Random bytes drawn a page at a time: one `randomFillSync` (~3 us here) per 455 ids. */
const pool = Buffer.alloc(4096);
let used = pool.length;

const RANDOM_BYTES = 9;
/** Milliseconds in base 36, fixed width: 9 digits last until the year 5188. */
const TIME_DIGITS = 9;

/**
 * A message id that sorts by creation time: 9 base-36 digits of the millisecond clock, then 72
 * random bits (12 base64url characters), 21 characters in all.
 *
 * Why not `newId()`: the messages table's primary-key index is ordered by id, and a random id
 * puts each insert on a random page of it, so a grouped commit of a few hundred messages wrote a
 * few hundred index pages to the WAL. Ids that grow with time are appended at the index's right
 * edge, a handful of pages per commit: about 8 us less CPU per stored message (25 -> 17 us in a
 * 420-message batch, measured with the store alone). The time the id shows is the message's own
 * `createdAt`, which everyone who sees the id sees anyway; the random part keeps it unguessable.
 */
export function newMessageId(now = Date.now()): string {
  if (used + RANDOM_BYTES > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.toString('base64url', used, used + RANDOM_BYTES);
  used += RANDOM_BYTES;
  return now.toString(36).padStart(TIME_DIGITS, '0') + random;
}
