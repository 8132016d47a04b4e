import { get } from 'node:http';

/**
 * What a SegmentChat server says of its own side of a load step, from its `/metrics`: how long
 * commits took and how long a channel's events waited from their commit until the last member
 * was written. Beside the generator's end-to-end latency this splits a message's time into the
 * server's part and the rest (loopback, the generator's reads).
 */

/**
 * GET over `node:http`, not `fetch`: fetch parses HTTP with WebAssembly, and V8 compiling it again
 * with TurboFan once it is hot took half a second of the generators' core in the middle of a run.
 */
function getText(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** Counters and histogram series from `/metrics` (Prometheus text); empty where there is none. */
export async function scrapeMetrics(url: string): Promise<Map<string, number>> {
  const values = new Map<string, number>();
  try {
    const res = await getText(`${url}/metrics`);
    if (res.status !== 200) return values;
    for (const line of res.text.split('\n')) {
      if (line.startsWith('#') || !line.trim()) continue;
      const at = line.lastIndexOf(' ');
      const v = Number(line.slice(at + 1));
      if (Number.isFinite(v)) values.set(line.slice(0, at), v);
    }
  } catch {
    // no metrics endpoint (baselines)
  }
  return values;
}

export interface ServerSide {
  /** Mean time to commit one batch of messages. */
  commitMs: number;
  /** Mean time from a channel batch's first event being queued to its last member written. */
  fanoutMs: number;
  /** Mean time of one member's socket write in fan-out: each member waits this long per member before it. */
  usPerWrite: number;
  /** Messages stored per channel batch written. */
  messagesPerBatch: number;
}

/** The step between two scrapes; undefined when the server has no such series or did nothing. */
export function serverSide(before: Map<string, number>, after: Map<string, number>): ServerSide | undefined {
  const d = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  const commits = d('segmentchat_store_commit_seconds_count');
  const batches = d('segmentchat_fanout_seconds_count');
  const writes = d('segmentchat_fanout_writes_total');
  if (commits <= 0 || batches <= 0 || writes <= 0) return undefined;
  return {
    commitMs: (1000 * d('segmentchat_store_commit_seconds_sum')) / commits,
    fanoutMs: (1000 * d('segmentchat_fanout_seconds_sum')) / batches,
    usPerWrite: (1e6 * d('segmentchat_fanout_write_seconds_total')) / writes,
    messagesPerBatch: d('segmentchat_messages_total') / batches,
  };
}

export function fmtServerSide(s: ServerSide): string {
  return (
    `server side: commit ${s.commitMs.toFixed(2)} ms, then ${s.fanoutMs.toFixed(2)} ms to the last member ` +
    `(${s.usPerWrite.toFixed(2)} us per socket write, ${s.messagesPerBatch.toFixed(1)} messages per write)`
  );
}
