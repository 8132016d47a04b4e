import { newClientMsgId } from '@segmentchat/client';
import { HttpRoute, PROTOCOL_VERSION } from '@segmentchat/protocol';
import type { RequestParams, RequestResult, RequestType } from '@segmentchat/protocol';
import { sleep } from '../mono-clock.ts';
import { BenchClient } from './bench-client.ts';

type SyncPage = RequestResult<'sync'>;

/** A request frame as the protocol defines it: `{ id, type, ...params }` (id added on send). */
type Request<T extends RequestType> = { type: T } & RequestParams<T>;

/** How a frame of presence events starts: the server writes them apart from channel batches. */
const PRESENCE_START = Buffer.from('{"type":"presence"');

export const BENCH_PASSWORD = 'bench-load-Passw0rd';

/**
 * Creates an account through the real HTTP API and returns its bearer token. Retries when the
 * server asks to (429 with Retry-After): registration is setup, not what is measured.
 */
export async function registerAccount(baseUrl: string, username: string): Promise<string> {
  let route: string = HttpRoute.REGISTER;
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const res = await fetch(baseUrl + route, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: BENCH_PASSWORD }),
    });
    if (res.status === 404 && route === HttpRoute.REGISTER) {
      route = '/api/register'; // the server spec's older spelling
      continue;
    }
    if (res.status === 429 || res.status === 503) {
      const after = Number(res.headers.get('retry-after') ?? '1');
      await res.arrayBuffer();
      await sleep(Math.min(5000, Math.max(50, after * 1000)));
      continue;
    }
    const body = (await res.json()) as { token?: string; error?: { code: string; message: string } };
    if (!res.ok || !body.token) {
      throw new Error(`register ${username}: HTTP ${res.status} ${JSON.stringify(body.error ?? body)}`);
    }
    return body.token;
  }
  throw new Error(`register ${username}: still rate limited after 200 attempts`);
}

/** Speaks the real SegmentChat protocol with a real account (token from `registerAccount`). */
export class SegmentChatClient extends BenchClient {
  token = '';
  /** Where this client stands in the server's presence changes, as the SDK keeps it. */
  private presenceCursor: string | undefined;

  async connect(): Promise<void> {
    await this.hello();
  }

  /** As the SDK does: hello carries the sync cursors and answers with the first page. */
  override async reconnect(cursors: Map<string, number>): Promise<number> {
    const page = (await this.hello({ cursors: Object.fromEntries(cursors) })).sync as SyncPage;
    return page.changes.length + (await this.catchUp(cursors, page));
  }

  private async hello(sync?: RequestParams<'sync'>) {
    await this.open(this.baseUrl.replace(/^http/, 'ws') + HttpRoute.WS);
    const hello = await this.req<'hello'>({
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      token: this.token,
      ...(this.presenceCursor !== undefined && { presenceCursor: this.presenceCursor }),
      ...(sync && { sync }),
    });
    this.presenceCursor = hello.presenceCursor as string;
    return hello;
  }

  /**
   * Presence events move the cursor on. They are rare after setup, so they may be parsed; only
   * the frame's first bytes are looked at, as a search through every delivery frame would cost
   * the generator more than the rest of its receiving.
   */
  protected override onFrame(data: Buffer): void {
    if (this.presenceCursor !== undefined && startsPresence(data)) {
      for (const item of this.decode(data.toString())) {
        const event = item as { type?: string; cursor?: string };
        if (event.type === 'presence' && event.cursor !== undefined) this.presenceCursor = event.cursor;
      }
    }
    super.onFrame(data);
  }

  async join(channelId: string): Promise<number> {
    const reply = await this.req<'channel.join'>({ type: 'channel.join', channelId });
    return (reply.channel as { rev: number }).rev;
  }

  /** Creates a public channel (used by the setup client) and returns its id. */
  async createChannel(name: string): Promise<string> {
    const reply = await this.req<'channel.create'>({ type: 'channel.create', name, visibility: 'public' });
    return (reply.channel as { id: string }).id;
  }

  send(channelId: string, text: string): void {
    const frame: Request<'message.send'> = {
      type: 'message.send',
      channelId,
      clientMsgId: newClientMsgId(),
      text,
    };
    this.call(frame, (reply) => this.countError(reply));
  }

  async sendAcked(channelId: string, text: string): Promise<void> {
    await this.req<'message.send'>({ type: 'message.send', channelId, clientMsgId: newClientMsgId(), text });
  }

  /** Pages through `sync` from the cursors, or on from a first page already fetched. */
  async catchUp(cursors: Map<string, number>, first?: SyncPage): Promise<number> {
    let got = 0;
    let page = first;
    while (!page || page.hasMore) {
      page = (await this.req<'sync'>({
        type: 'sync',
        cursors: page?.cursors ?? Object.fromEntries(cursors),
      })) as unknown as SyncPage;
      got += page.changes.length;
    }
    for (const [room, cursor] of Object.entries(page.cursors)) cursors.set(room, cursor);
    return got;
  }

  private req<T extends RequestType>(request: Request<T>) {
    return this.request(request);
  }

  protected encode(request: Record<string, unknown>): string {
    return JSON.stringify(request);
  }

  /** A server frame is one JSON object or an array of them (a tick's batch). */
  protected decode(frame: string): unknown[] {
    const value: unknown = JSON.parse(frame);
    return Array.isArray(value) ? value : [value];
  }

  protected messageText(obj: Record<string, unknown>): string | null {
    if (obj.type !== 'message.new') return null;
    const message = obj.message as { text?: unknown } | undefined;
    return typeof message?.text === 'string' ? message.text : null;
  }
}

/** A frame that is a presence event, or an array whose first event is one. */
function startsPresence(data: Buffer): boolean {
  const at = data[0] === 0x5b ? 1 : 0; // '['
  const n = PRESENCE_START.length;
  return data.length >= at + n && data.compare(PRESENCE_START, 0, n, at, at + n) === 0;
}
