import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAIT_MS } from './wait.ts';
import { ensureWebBuilt, repoRoot, webDist } from './server-fixture.ts';

export interface SupervisedServer {
  url: string;
  dataDir: string;
  /** What the supervisor and the server printed so far. */
  output(): string;
  /** SIGTERM to the supervisor (it passes it on); resolves with its exit code. */
  close(): Promise<number | null>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The server as `npm start` runs it: `scripts/start.mjs` (the supervisor that brings the server
 * back after an admin's restart) as a child process, on a free port, with its data in a temp
 * directory. Only this way does a restart from the admin panel really restart.
 */
export async function startSupervisedServer(env: Record<string, string> = {}): Promise<SupervisedServer> {
  ensureWebBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-e2e-supervised-'));
  let out = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'scripts/start.mjs'), '--port', String(port), '--host', '127.0.0.1'],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        SEGMENTCHAT_SKIP_WEB_BUILD: existsSync(join(webDist, 'index.html')) ? '1' : '0',
        ...env,
      },
    },
  );
  // Stamped with the time since start, so a failing test shows how long a restart took.
  const started = Date.now();
  const record = (d: Buffer) => (out += `[+${Date.now() - started} ms] ${d.toString()}`);
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + WAIT_MS * 2;
  for (;;) {
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the supervised server did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    dataDir,
    output: () => out,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      return code;
    },
  };
}
