import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { OutboxStore, PendingMessage } from './outbox-store.ts';

type LogLine = { op: 'put'; entry: PendingMessage } | { op: 'del'; id: string };

/**
 * Node outbox store: an append-only JSON-lines log, fsync'd before `put`/`delete` resolve, so a
 * process killed right after `sendMessage` resolved still has the message on disk. Writes that
 * arrive while an fsync is in flight are grouped into the next append (one fsync for many).
 * On open, and when the log grows well past the live entries, it is compacted by writing a new
 * file, fsyncing it and renaming it over the old one (atomic on POSIX). A torn last line (power
 * loss mid-append) is ignored: its write had not resolved, so nobody was told it was saved.
 * One process per file: a second process compacting the log would drop what the first appended,
 * so opening takes `<file>.lock` (holding the pid) and refuses with CONFLICT while a live process
 * holds it; a lock left by a killed process is taken over.
 */
export class FileOutboxStore implements OutboxStore {
  private readonly entries = new Map<string, PendingMessage>();
  private handle: FileHandle | null = null;
  private ready: Promise<void> | null = null;
  private queue: { line: string; done: () => void; fail: (e: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;
  private linesInLog = 0;

  constructor(readonly path: string) {}

  async load(): Promise<PendingMessage[]> {
    await this.init();
    return [...this.entries.values()].map((e) => structuredClone(e));
  }

  async put(entry: PendingMessage): Promise<void> {
    await this.init();
    const copy = structuredClone(entry);
    this.entries.set(copy.clientMsgId, copy);
    await this.append({ op: 'put', entry: copy });
  }

  async delete(clientMsgId: string): Promise<void> {
    await this.init();
    if (!this.entries.delete(clientMsgId)) return;
    await this.append({ op: 'del', id: clientMsgId });
  }

  async close(): Promise<void> {
    if (this.ready) await this.ready.catch(() => undefined);
    while (this.flushing) await this.flushing;
    const had = this.handle !== null;
    await this.handle?.close();
    this.handle = null;
    this.ready = null;
    if (had) await unlink(`${this.path}.lock`).catch(() => undefined);
  }

  private init(): Promise<void> {
    this.ready ??= this.openLog();
    return this.ready;
  }

  private async openLog(): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await this.lock();
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    this.entries.clear();
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue; // torn append: never acknowledged to the caller
      }
      if (line.op === 'put') this.entries.set(line.entry.clientMsgId, line.entry);
      else if (line.op === 'del') this.entries.delete(line.id);
    }
    await this.compact();
  }

  private async lock(): Promise<void> {
    const lockPath = `${this.path}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const h = await open(lockPath, 'wx');
        await h.writeFile(String(process.pid));
        await h.close();
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const pid = Number(await readFile(lockPath, 'utf8').catch(() => ''));
      if (pid && pid !== process.pid && isAlive(pid)) {
        this.ready = null;
        throw new ChatError(ErrorCode.CONFLICT, `Outbox ${this.path} is in use by process ${pid}`);
      }
      await unlink(lockPath).catch(() => undefined); // stale: its process is gone
    }
    throw new ChatError(ErrorCode.CONFLICT, `Could not lock outbox ${this.path}`);
  }

  /** Rewrites the log with only the live entries, atomically, and reopens it for appending. */
  private async compact(): Promise<void> {
    await this.handle?.close();
    const tmp = `${this.path}.${process.pid}.tmp`;
    const out = await open(tmp, 'w');
    try {
      const body = [...this.entries.values()]
        .map((entry) => JSON.stringify({ op: 'put', entry }) + '\n')
        .join('');
      await out.writeFile(body, 'utf8');
      await out.sync();
    } finally {
      await out.close();
    }
    await rename(tmp, this.path);
    await syncDir(dirname(this.path));
    this.handle = await open(this.path, 'a');
    this.linesInLog = this.entries.size;
  }

  private append(line: LogLine): Promise<void> {
    return new Promise((done, fail) => {
      this.queue.push({ line: JSON.stringify(line) + '\n', done, fail });
      this.flushing ??= this.flush().finally(() => {
        this.flushing = null;
      });
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        const handle = this.handle;
        if (!handle) throw new Error('FileOutboxStore is closed');
        await handle.write(batch.map((b) => b.line).join(''));
        await handle.datasync();
        this.linesInLog += batch.length;
        for (const b of batch) b.done();
      } catch (error) {
        for (const b of batch) b.fail(error);
      }
      // 1,000 lines is ~300 KB of log; compacting costs one rewrite of the live entries.
      if (this.linesInLog > 1000 && this.linesInLog > 4 * this.entries.size) await this.compact();
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** fsync a directory so a rename inside it survives a crash (a no-op where unsupported). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open directories; the rename is still atomic there.
  } finally {
    await handle?.close();
  }
}
