import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminRoute } from '@segmentchat/protocol';
import type { AuditEntry, Page, SessionResult } from '@segmentchat/protocol';
import { ADMIN_PASSWORD, adminSession, call, login } from './admin-test-kit.ts';
import { api } from './test-client.ts';
import { startTestServer } from './test-server.ts';
import type { TestServer } from './test-server.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run admin -- ...` the way the script does (node --import tsx cli.ts). */
function cli(args: string[], stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'packages/server/src/cli.ts'), ...args],
    {
      cwd: root,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  if (stdin !== undefined) child.stdin!.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('npm run admin -- reset-password', () => {
  let srv: TestServer;
  let dataDir: string;
  let admin: SessionResult;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-cli-'));
    srv = await startTestServer({ dataDir });
    admin = await adminSession(srv.url);
  });
  afterAll(async () => {
    await srv?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('takes the new password from stdin, signs the account out and forces a change at next login', async () => {
    const r = await cli(['reset-password', 'admin', '--data-dir', dataDir], 'typed on the server\n');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('typed on the server');
    // The running server sees it at once: the old session is gone, the old password too.
    expect((await call(srv.url, 'GET', AdminRoute.USERS, { token: admin.token })).status).toBe(401);
    expect(
      (await api(srv.url, '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).status,
    ).toBe(401);
    const s = await login(srv.url, 'admin', 'typed on the server');
    expect(s.user.mustChangePassword).toBe(true);
    await api(
      srv.url,
      '/api/auth/password',
      { currentPassword: 'typed on the server', newPassword: ADMIN_PASSWORD },
      { authorization: `Bearer ${s.token}` },
    );
    admin = await login(srv.url, 'admin', ADMIN_PASSWORD);
    const audit = await call<Page<AuditEntry>>(srv.url, 'GET', AdminRoute.AUDIT, { token: admin.token });
    expect(audit.body.items[0]).toMatchObject({
      action: 'user.password',
      target: '@admin',
      actorId: null,
      actorName: 'command line',
      ip: 'cli',
    });
  });

  it('prints a generated password when none is piped in', async () => {
    const r = await cli(['reset-password', 'ADMIN', '--data-dir', dataDir]);
    expect(r.code).toBe(0);
    const password = /New password: (\S+)/.exec(r.out)?.[1];
    expect(password).toBeDefined();
    expect((await login(srv.url, 'admin', password!)).user.mustChangePassword).toBe(true);
  });

  it('refuses an unknown user, a weak password and a missing database, changing nothing', async () => {
    expect((await cli(['reset-password', 'nobody', '--data-dir', dataDir])).code).toBe(1);
    const weak = await cli(['reset-password', 'admin', '--data-dir', dataDir], 'admin\n');
    expect(weak.code).toBe(1);
    expect(weak.err).toMatch(/cannot be used/);
    expect((await api(srv.url, '/api/auth/login', { username: 'admin', password: 'admin' })).status).toBe(
      401,
    );
    const empty = mkdtempSync(join(tmpdir(), 'segmentchat-cli-empty-'));
    expect((await cli(['reset-password', 'admin', '--data-dir', empty])).err).toMatch(/No database/);
    rmSync(empty, { recursive: true, force: true });
    expect((await cli([])).code).toBe(2);
  });
});
