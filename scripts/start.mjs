// `npm start`: builds the web app when its build is missing or older than its sources, then runs
// the server under a small supervisor. The server exits with RESTART_EXIT_CODE when an admin asks
// for a restart; the supervisor starts it again. Any other exit ends the supervisor with that code.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const RESTART_EXIT_CODE = 75;

function newestMtime(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

function webBuildIsStale() {
  const built = join(root, 'packages/web/dist/index.html');
  if (!existsSync(built)) return true;
  const sources = ['packages/web', 'packages/client/src', 'packages/protocol/src'].map((p) => join(root, p));
  return Math.max(...sources.map(newestMtime)) > statSync(built).mtimeMs;
}

if (process.env.SEGMENTCHAT_SKIP_WEB_BUILD !== '1' && webBuildIsStale()) {
  console.log('Building the web app...');
  const r = spawnSync('npm', ['run', 'build', '-w', '@segmentchat/web'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

let child;
let stopping = false;
function run() {
  child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'packages/server/src/main.ts'), ...process.argv.slice(2)],
    {
      cwd: process.cwd(),
      stdio: 'inherit',
      env: { ...process.env, SEGMENTCHAT_SUPERVISED: '1' },
    },
  );
  child.on('exit', (code, signal) => {
    if (code === RESTART_EXIT_CODE && !stopping) {
      console.log('Server asked for a restart; starting it again.');
      run();
      return;
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    stopping = true;
    child?.kill(sig);
  });
}
run();
