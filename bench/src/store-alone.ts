// The store on its own: how fast SqliteStore.appendMessages persists grouped commits, with no
// network, fan-out or validation around it, so a schema or statement change can be judged
// without the noise of the whole send path (the store scenario of `npm run bench` has that).
//
//   node --import tsx bench/src/store-alone.ts [--batch 256] [--channels 20] [--batches 400] [--runs 3]
//
// Appends `batches` batches of `batch` ~100-byte messages, spread over `channels` channels and
// as many authors, to a fresh database file with synchronous=FULL, as the server's commit
// batcher would; prints CPU (user + system) and wall time per message for each run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { newClientMsgId } from '@segmentchat/client';
import { SqliteStore } from '@segmentchat/server';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '256' },
    channels: { type: 'string', default: '20' },
    batches: { type: 'string', default: '400' },
    runs: { type: 'string', default: '3' },
  },
});
const batchSize = Number(values.batch);
const channels = Number(values.channels);
const batches = Number(values.batches);
const runs = Number(values.runs);

const dir = mkdtempSync(join(tmpdir(), 'segmentchat-store-alone-'));
const store = new SqliteStore(join(dir, 'store.db'));
for (let c = 0; c < channels; c += 1) {
  await store.createUser({
    id: `u${c}`,
    username: `user${c}`,
    usernameKey: `user${c}`,
    skeleton: `user${c}`,
    passwordHash: null,
    role: 'user',
    mustChangePassword: false,
    createdAt: 0,
    expiresAt: null,
    disabled: false,
    lastSeen: null,
  });
  await store.createChannel({
    id: `c${c}`,
    kind: 'channel',
    name: `channel-${c}`,
    description: '',
    visibility: 'public',
    ownerId: `u${c}`,
    createdAt: 0,
    dmUsers: null,
  });
}

let n = 0;
const text = 'x'.repeat(100);
function batch() {
  return Array.from({ length: batchSize }, (_, i) => {
    const c = i % channels;
    n += 1;
    return {
      // Time-ordered like the server's message ids, unique like them.
      id: `${Date.now().toString(36).padStart(9, '0')}${String(n).padStart(12, '0')}`,
      channelId: `c${c}`,
      authorId: `u${c}`,
      authorName: `user${c}`,
      clientMsgId: newClientMsgId(),
      kind: 'text' as const,
      text,
      attachments: [],
      createdAt: Date.now(),
    };
  });
}

console.log(`store alone: batches of ${batchSize} over ${channels} channels, ${batches} batches per run`);
for (let run = 0; run <= runs; run += 1) {
  // Batches are built first, so only the store is timed.
  const work = Array.from({ length: run === 0 ? Math.ceil(batches / 10) : batches }, batch);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const b of work) await store.appendMessages(b);
  const wallUs = (performance.now() - started) * 1000;
  const used = process.cpuUsage(cpu);
  const messages = work.length * batchSize;
  if (run === 0) continue; // warm-up
  console.log(
    `  run ${run}: ${((used.user + used.system) / messages).toFixed(2)} us CPU/message ` +
      `(user ${(used.user / messages).toFixed(2)}, system ${(used.system / messages).toFixed(2)}), ` +
      `${(wallUs / messages).toFixed(2)} us wall, ${Math.round((messages * 1e6) / wallUs).toLocaleString('en-US')} messages/s`,
  );
}
await store.close();
rmSync(dir, { recursive: true, force: true });
