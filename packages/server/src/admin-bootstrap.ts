import { hashPassword } from './password-hasher.ts';
import { ChatError } from '@segmentchat/protocol';
import type { AdminStore } from './admin-store.ts';
import { newId } from './new-id.ts';
import { checkPassword } from './password-rules.ts';
import type { Store } from './store.ts';
import { usernameSkeleton } from './username-rules.ts';

export const DEFAULT_ADMIN_NAME = 'admin';
export const DEFAULT_ADMIN_PASSWORD = 'admin';
/** Set in `meta` once the first admin exists: a deleted or renamed admin is never recreated. */
const ADMIN_CREATED = 'admin_created';

export interface AdminBootstrapResult {
  created: boolean;
  /** Whether the new account must set a new password at first login. */
  mustChangePassword: boolean;
}

/**
 * On the very first start, creates `admin` with the password `admin` (or `password`, from
 * SEGMENTCHAT_ADMIN_PASSWORD). With the default password, or a given one too weak to keep, the
 * account must choose a new password before it can do anything else (the server enforces it:
 * `password-change-gate.ts` for HTTP, the gateway for WebSocket requests).
 */
export async function ensureAdminAccount(
  store: Store,
  adminStore: AdminStore,
  password: string | undefined,
  warn: (line: string) => void,
): Promise<AdminBootstrapResult> {
  if ((await adminStore.getMeta(ADMIN_CREATED)) !== undefined)
    return { created: false, mustChangePassword: false };
  const chosen = password !== undefined && password !== '' ? password : DEFAULT_ADMIN_PASSWORD;
  let mustChangePassword = chosen === DEFAULT_ADMIN_PASSWORD;
  if (!mustChangePassword) {
    try {
      checkPassword(chosen, DEFAULT_ADMIN_NAME);
    } catch (e) {
      if (!(e instanceof ChatError)) throw e;
      warn(`SEGMENTCHAT_ADMIN_PASSWORD is too weak (${e.message}); it must be changed at first login.`);
      mustChangePassword = true;
    }
  }
  const created = await store.createUser({
    id: newId(),
    username: DEFAULT_ADMIN_NAME,
    usernameKey: DEFAULT_ADMIN_NAME,
    skeleton: usernameSkeleton(DEFAULT_ADMIN_NAME),
    passwordHash: await hashPassword(chosen),
    role: 'admin',
    mustChangePassword,
    createdAt: Date.now(),
    expiresAt: null,
    disabled: false,
    lastSeen: null,
  });
  await adminStore.setMeta(ADMIN_CREATED, String(Date.now()));
  if (created && mustChangePassword && chosen === DEFAULT_ADMIN_PASSWORD) {
    warn(
      `Created the administrator "${DEFAULT_ADMIN_NAME}" with the password "${DEFAULT_ADMIN_PASSWORD}". ` +
        'Sign in at /admin and set a new password now: until then the account can do nothing else.',
    );
  } else if (created) {
    warn(
      `Created the administrator "${DEFAULT_ADMIN_NAME}" with the password from SEGMENTCHAT_ADMIN_PASSWORD.`,
    );
  }
  return { created, mustChangePassword };
}
