import { ChatError, Limits, USERNAME_PATTERN } from '@segmentchat/protocol';

export interface CheckedUsername {
  /** As the user typed it, after NFKC (full-width letters become ASCII). */
  username: string;
  /** Case-insensitive key for login. */
  key: string;
  /** What the name looks like; two names with one skeleton cannot both exist. */
  skeleton: string;
}

/**
 * Characters that look alike in common fonts, folded to one representative. After NFKC and the
 * ASCII-only pattern, Cyrillic or Greek look-alikes are already refused; what remains are the
 * ASCII look-alikes: `0`/`o`, `1`/`l`/`i`, `rn`/`m`, `vv`/`w`.
 */
const LOOKALIKES: [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/0/g, 'o'],
  [/[1i|]/g, 'l'],
];

export function usernameSkeleton(key: string): string {
  let s = key;
  for (const [from, to] of LOOKALIKES) s = s.replace(from, to);
  return s;
}

/** Normalizes a username and checks its rules; throws a typed INVALID error otherwise. */
export function checkUsername(raw: string): CheckedUsername {
  const username = raw.normalize('NFKC');
  if (username.length < Limits.USERNAME_MIN || username.length > Limits.USERNAME_MAX) {
    throw ChatError.invalid(`Username must be ${Limits.USERNAME_MIN} to ${Limits.USERNAME_MAX} characters`);
  }
  if (!USERNAME_PATTERN.test(username)) {
    throw ChatError.invalid('Username may use letters, digits, _ . and - only');
  }
  if (/^visitor-/i.test(username)) throw ChatError.invalid('Names starting with "visitor-" are reserved');
  const key = username.toLowerCase();
  return { username, key, skeleton: usernameSkeleton(key) };
}

/** The login key of whatever the user typed (no rules: a wrong name simply finds nobody). */
export function usernameKey(raw: string): string {
  return raw.normalize('NFKC').toLowerCase();
}
