import { BenchClient } from './bench-client.ts';

/**
 * Speaks Socket.IO 4 over a raw WebSocket (Engine.IO v4 framing: `0` open, `40` connect,
 * `42[event, data]` events, `2`/`3` ping/pong), so the generator spends the same per frame on
 * every target and its own overhead never decides a comparison. The server side is stock
 * Socket.IO (baselines/socketio-server.ts).
 */
export class SocketIoClient extends BenchClient {
  private connected: (() => void) | null = null;

  async connect(): Promise<void> {
    const ready = new Promise<void>((resolve) => (this.connected = resolve));
    await this.open(`${this.baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    await ready;
  }

  protected override onFrame(data: Buffer): void {
    const first = data[0];
    if (first === 0x32 /* '2' ping */ && data.length === 1) {
      this.ws?.send('3');
      return;
    }
    if (first === 0x30 /* '0' open */) {
      this.ws?.send('40');
      return;
    }
    if (first === 0x34 && data[1] === 0x30 /* '40' connected */) {
      this.connected?.();
      this.connected = null;
      return;
    }
    super.onFrame(data);
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
    const { t, ...data } = request;
    return `42${JSON.stringify([t, data])}`;
  }

  protected decode(frame: string): unknown[] {
    if (!frame.startsWith('42')) return [];
    const [, data] = JSON.parse(frame.slice(2)) as [string, unknown];
    return [data];
  }

  protected messageText(obj: Record<string, unknown>): string | null {
    return typeof obj.text === 'string' && typeof obj.seq === 'number' ? obj.text : null;
  }
}
