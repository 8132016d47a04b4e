/**
 * What every benchmark message says: `b|<scheduled send time, us>|<sender index>|<run id>|xxx...`.
 * Receivers find it in the raw frame bytes with `Buffer.indexOf` instead of parsing the JSON, so
 * the generator's cost per delivery stays far below the server's and a frame that carries a
 * batch of messages (a JSON array) is scanned in one pass.
 */
const TEXT_MARK = Buffer.from('"text":"b|');
const PIPE = 0x7c;

export interface Delivery {
  schedUs: number;
  sender: number;
  run: number;
}

export function markerText(schedUs: number, sender: number, run: number, bytes: number): string {
  const head = `b|${Math.round(schedUs)}|${sender}|${run}|`;
  return head.length >= bytes ? head : head + 'x'.repeat(bytes - head.length);
}

function readInt(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let i = pos;
  for (; i < buf.length; i += 1) {
    const c = buf[i]!;
    if (c === PIPE) break;
    v = v * 10 + (c - 48);
  }
  return [v, i + 1];
}

/** Calls `found` for each benchmark message in a raw frame. */
export function scanFrame(buf: Buffer, found: (schedUs: number, sender: number, run: number) => void): void {
  let at = buf.indexOf(TEXT_MARK);
  while (at !== -1) {
    const [sched, p1] = readInt(buf, at + TEXT_MARK.length);
    const [sender, p2] = readInt(buf, p1);
    const [run, p3] = readInt(buf, p2);
    found(sched, sender, run);
    at = buf.indexOf(TEXT_MARK, p3);
  }
}

/** Parses a marker from a message text already decoded (replies, sync pages). */
export function parseMarker(text: string): Delivery | null {
  if (!text.startsWith('b|')) return null;
  const parts = text.split('|');
  if (parts.length < 4) return null;
  return { schedUs: Number(parts[1]), sender: Number(parts[2]), run: Number(parts[3]) };
}
