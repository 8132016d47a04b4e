import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const webDist = join(repoRoot, 'packages/web/dist');

function newestMtime(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/**
 * Builds the web app when dist is missing or older than its sources, so `npm test` works alone
 * (CI runs `npm run build` first, and then this finds the build fresh).
 */
export function ensureWebBuilt(): void {
  const index = join(webDist, 'index.html');
  // Same switch as `npm start`: use the build that is there (e.g. while a sibling change is half-done).
  if (process.env.SEGMENTCHAT_SKIP_WEB_BUILD === '1' && existsSync(index)) return;
  const sources = ['packages/web', 'packages/client/src', 'packages/protocol/src'].map((p) =>
    join(repoRoot, p),
  );
  if (existsSync(index) && Math.max(...sources.map(newestMtime)) <= statSync(index).mtimeMs) return;
  const vite = join(repoRoot, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: join(repoRoot, 'packages/web'),
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`vite build failed with ${r.status}`);
}

export interface TestServer {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

/** A real server on a free port, with a fresh SQLite database in a temp directory. */
export async function startTestServer(
  options: {
    limits?: Record<string, { burst: number; perSecond: number }>;
    /** Viewers a streamer serves directly before the relay takes over (default 4). */
    streamDirectMax?: number;
    /** Presence is pushed only in channels of at most this many members (default 100). */
    presencePushMaxMembers?: number;
    /** How long someone who left still shows as before (default 10 s). */
    presenceGraceMs?: number;
  } = {},
): Promise<TestServer> {
  ensureWebBuilt();
  const { createServer } = await import('@segmentchat/server');
  const dataDir = mkdtempSync(join(tmpdir(), 'segmentchat-e2e-'));
  const server = await createServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    webRoot: webDist,
    logger: false,
    sqliteSynchronous: 'NORMAL',
    ...(options.streamDirectMax !== undefined ? { streamDirectMax: options.streamDirectMax } : {}),
    ...(options.presencePushMaxMembers !== undefined
      ? { presencePushMaxMembers: options.presencePushMaxMembers }
      : {}),
    ...(options.presenceGraceMs !== undefined ? { presenceGraceMs: options.presenceGraceMs } : {}),
    // Every browser in a test shares 127.0.0.1, so per-IP sign-up limits are raised here.
    limits: {
      register: { burst: 500, perSecond: 50 },
      login: { burst: 500, perSecond: 50 },
      ...options.limits,
    },
  });
  const url = await server.listen();
  return {
    url,
    dataDir,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
