import { BenchClient } from './bench-client.ts';

/** Speaks the baselines' protocol (see baselines/baseline-protocol.ts) to the `ws` relays. */
export class RelayClient extends BenchClient {
  async connect(): Promise<void> {
    await this.open(this.baseUrl.replace(/^http/, 'ws'));
  }

  async join(room: string): Promise<number> {
    const reply = await this.request({ t: 'join', room });
    return Number(reply.seq);
  }

  send(room: string, text: string): void {
    this.ws?.send(this.encode({ t: 'send', room, text }));
  }

  async sendAcked(room: string, text: string): Promise<void> {
    await this.request({ t: 'send', room, text });
  }

  async catchUp(cursors: Map<string, number>): Promise<number> {
    let got = 0;
    for (const [room, since] of cursors) {
      await this.join(room);
      let cursor = since;
      for (;;) {
        const reply = await this.request({ t: 'sync', room, since: cursor });
        const msgs = reply.msgs as Array<{ seq: number }>;
        got += msgs.length;
        cursor = msgs.at(-1)?.seq ?? cursor;
        if (!reply.hasMore) break;
      }
      cursors.set(room, cursor);
    }
    return got;
  }

  protected encode(request: Record<string, unknown>): string {
    return JSON.stringify(request);
  }

  protected decode(frame: string): unknown[] {
    return [JSON.parse(frame)];
  }

  protected messageText(obj: Record<string, unknown>): string | null {
    return obj.t === 'msg' && typeof obj.text === 'string' ? obj.text : null;
  }
}
