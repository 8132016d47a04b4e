import { WebSocket } from 'ws';

/**
 * Runs a full garbage collection in a Node process started with `--inspect`, through its
 * inspector (`HeapProfiler.collectGarbage`), so a memory reading sees what the process keeps and
 * not whatever garbage V8 has not collected yet: without it, the same idle server read 4–10 KB
 * per client from run to run, depending on whether V8's memory reducer had run (it did ~45 s
 * after the last connection, on no fixed schedule). The same for every target, and no code of
 * theirs involved.
 */
export async function collectGarbage(inspectorUrl: string): Promise<void> {
  const ws = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const reply = JSON.parse(data.toString()) as { id?: number; error?: { message: string } };
        if (reply.id !== 1) return;
        if (reply.error) reject(new Error(`collectGarbage: ${reply.error.message}`));
        else resolve();
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}
