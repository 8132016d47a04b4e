// `npm run admin -- reset-password <username> [--data-dir DIR]`: administration on the server
// machine itself, for when no admin can sign in (a lost password). Works while the server runs:
// SQLite in WAL mode takes a second writer, and revoked sessions end at their next request.
import { hashPassword } from './password-hasher.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ChatError } from '@segmentchat/protocol';
import { generatePassword } from './admin-user-service.ts';
import { AuditLog } from './audit-log.ts';
import { loadConfig } from './config.ts';
import { checkPassword } from './password-rules.ts';
import { SqliteAdminStore } from './sqlite-admin-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import { usernameKey } from './username-rules.ts';

const USAGE = `Usage: npm run admin -- reset-password <username> [--data-dir DIR]

  Sets a new password for <username>, which must be changed at the next login, and signs the
  account out everywhere. The password is read from standard input when it is piped in
  (echo 'new password' | npm run admin -- reset-password admin); otherwise one is generated
  and printed.`;

/** Positional arguments: everything that is not a `--flag value` pair. */
function positional(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      if (!a.includes('=')) i++;
    } else out.push(a);
  }
  return out;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is how `echo` ends a line, not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function resetPassword(username: string, dataDir: string): Promise<number> {
  const dbPath = join(dataDir, 'segment_chat.db');
  if (!existsSync(dbPath)) {
    console.error(`No database at ${dbPath}. Pass --data-dir (or DATA_DIR) of the server.`);
    return 1;
  }
  const store = new SqliteStore(dbPath);
  try {
    const user = await store.findUserByKey(usernameKey(username));
    if (!user || user.role === 'visitor') {
      console.error(`No account named "${username}".`);
      return 1;
    }
    const given = await readStdin();
    const password = given === '' ? generatePassword() : given;
    try {
      checkPassword(password, user.username);
    } catch (e) {
      if (e instanceof ChatError) {
        console.error(`That password cannot be used: ${e.message}.`);
        return 1;
      }
      throw e;
    }
    await store.setPassword(user.id, await hashPassword(password), true);
    await store.revokeUserSessions(user.id);
    const audit = new AuditLog(new SqliteAdminStore(store.database));
    await audit.record(
      { user: null, ip: 'cli' },
      'user.password',
      `@${user.username}`,
      'reset on the server machine',
    );
    console.log(`The password of "${user.username}" was reset; it must be changed at the next login.`);
    if (given === '') console.log(`New password: ${password}`);
    if (user.disabled) console.log(`Note: "${user.username}" is disabled; an admin must enable it.`);
    return 0;
  } finally {
    await store.close();
  }
}

const argv = process.argv.slice(2);
const [command, username] = positional(argv);
const config = loadConfig(argv, process.env);
if (command === 'reset-password' && username) {
  process.exitCode = await resetPassword(username, config.dataDir);
} else {
  console.error(USAGE);
  process.exitCode = command === 'help' || command === '--help' ? 0 : 2;
}
