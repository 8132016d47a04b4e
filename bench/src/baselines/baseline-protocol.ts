/**
 * The tiny protocol every baseline speaks, so one generator adapter drives them all:
 *   client → server  {t:'join', id, room}            reply {re:id, ok:true, seq}
 *                    {t:'send', room, text, id?}      every member gets {t:'msg', room, seq, text};
 *                                                     with an id the sender also gets {re:id, ok:true, seq}
 *                    {t:'sync', id, room, since}      reply {re:id, ok:true, msgs:[{seq,text}], hasMore}
 * Rooms keep their last HISTORY_MAX messages in memory so a reconnecting client can catch up,
 * which is the least a hand-rolled chat server needs for the reconnect-storm scenario.
 */
export type BaselineRequest =
  | { t: 'join'; id: number; room: string }
  | { t: 'send'; id?: number; room: string; text: string }
  | { t: 'sync'; id: number; room: string; since: number };

export interface StoredMessage {
  seq: number;
  text: string;
}

/** How many messages per room a baseline remembers for `sync`. */
export const HISTORY_MAX = 1000;
/** Largest `sync` page, as SegmentChat's `Limits.SYNC_PAGE_MAX`. */
export const SYNC_PAGE = 500;

/** Checks a decoded frame cheaply; a baseline that crashed on bad input would not be a fair one. */
export function asRequest(value: unknown): BaselineRequest | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.room !== 'string') return null;
  if (v.t === 'join' && typeof v.id === 'number') return v as BaselineRequest;
  if (v.t === 'send' && typeof v.text === 'string') return v as BaselineRequest;
  if (v.t === 'sync' && typeof v.id === 'number' && typeof v.since === 'number') return v as BaselineRequest;
  return null;
}

export class Room<M> {
  readonly members = new Set<M>();
  seq = 0;
  private readonly history: StoredMessage[] = [];

  append(text: string): number {
    this.seq += 1;
    this.history.push({ seq: this.seq, text });
    if (this.history.length > HISTORY_MAX * 2) this.history.splice(0, this.history.length - HISTORY_MAX);
    return this.seq;
  }

  since(seq: number): { msgs: StoredMessage[]; hasMore: boolean } {
    const first = this.history.findIndex((m) => m.seq > seq);
    if (first === -1) return { msgs: [], hasMore: false };
    const msgs = this.history.slice(first, first + SYNC_PAGE);
    return { msgs, hasMore: first + SYNC_PAGE < this.history.length };
  }
}

export class Rooms<M> {
  private readonly rooms = new Map<string, Room<M>>();

  get(name: string): Room<M> {
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room<M>();
      this.rooms.set(name, room);
    }
    return room;
  }

  leaveAll(member: M, joined: Iterable<string>): void {
    for (const name of joined) this.rooms.get(name)?.members.delete(member);
  }
}

/** `--port N` from argv (0 = any free port). */
export function portArg(argv: string[]): number {
  const i = argv.indexOf('--port');
  return i >= 0 ? Number(argv[i + 1] ?? 0) : 0;
}

/** Closes on SIGTERM/SIGINT so the harness can stop a baseline by its pid like SegmentChat. */
export function exitOnSignal(close: () => void): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      close();
      setTimeout(() => process.exit(0), 200).unref();
    });
  }
}
