import { Histogram } from '../histogram.ts';
import { nowUs, sleep } from '../mono-clock.ts';
import { CpuMeter } from '../proc-stats.ts';
import type { BenchClient, ClientEvents } from './bench-client.ts';
import { markerText } from './delivery-marker.ts';
import type { ClosedLoopCommand, RunCommand, RunResult } from './generator-commands.ts';

/** How often a slow client reads: one event-loop turn of reading per this many ms. */
const SLOW_READ_EVERY_MS = 1000;

/**
 * The measuring side of one generator process: counts deliveries of the current run, records
 * latency = receive time − scheduled send time, and drives open- or closed-loop sends.
 */
export class LoadSession implements ClientEvents {
  readonly clients = new Map<number, BenchClient>();
  private run = 0;
  private readonly latency = new Histogram();
  private readonly sendLag = new Histogram();
  private readonly ackLatency = new Histogram();
  private delivered = 0;
  private slowDelivered = 0;
  private lastDeliveryUs = 0;
  private acks = 0;
  private closes = new Map<string, number>();

  delivery(client: BenchClient, schedUs: number, sender: number, run: number, recvUs: number): void {
    if (run !== this.run || sender === client.idx) return;
    this.lastDeliveryUs = recvUs;
    if (client.slow) {
      this.slowDelivered += 1;
      return;
    }
    this.delivered += 1;
    this.latency.record(recvUs - schedUs);
  }

  closed(_client: BenchClient, code: number, reason: string): void {
    const key = `${code}${reason ? ` ${reason}` : ''}`;
    this.closes.set(key, (this.closes.get(key) ?? 0) + 1);
  }

  private begin(run: number): void {
    this.run = run;
    this.latency.reset();
    this.sendLag.reset();
    this.ackLatency.reset();
    this.delivered = 0;
    this.slowDelivered = 0;
    this.acks = 0;
    this.lastDeliveryUs = 0;
    this.closes = new Map();
    for (const client of this.clients.values()) client.errors.clear();
  }

  private client(idx: number): BenchClient {
    const client = this.clients.get(idx);
    if (!client) throw new Error(`client ${idx} is not on this generator`);
    return client;
  }

  private async waitUntil(us: number): Promise<void> {
    const ms = (us - nowUs()) / 1000;
    if (ms > 0) await sleep(ms);
  }

  /** Waits for the tail of deliveries: until `quietMs` pass without one, at most `maxDrainMs`. */
  private async drain(endUs: number, quietMs: number, maxDrainMs: number): Promise<void> {
    for (;;) {
      const now = nowUs();
      const last = Math.max(this.lastDeliveryUs, endUs);
      if (now - last >= quietMs * 1000 || now - endUs >= maxDrainMs * 1000) return;
      await sleep(20);
    }
  }

  private result(cpu: RunResult['cpu'], sentByRoom: Record<string, number>): RunResult {
    const errors: Record<string, number> = {};
    for (const client of this.clients.values()) {
      for (const [code, n] of client.errors) errors[code] = (errors[code] ?? 0) + n;
    }
    return {
      delivered: this.delivered,
      slowDelivered: this.slowDelivered,
      latency: this.latency.toSparse(),
      sendLag: this.sendLag.toSparse(),
      sentByRoom,
      acks: this.acks,
      ackLatency: this.ackLatency.toSparse(),
      errors,
      closes: Object.fromEntries(this.closes),
      cpu,
    };
  }

  /**
   * Open loop: each sender posts on a fixed schedule whatever the server does, and each message
   * carries its scheduled time, so a server that falls behind shows as latency, not as a lower
   * send rate. The loop wakes about every millisecond and sends everything that is due.
   */
  async runOpenLoop(cmd: RunCommand): Promise<RunResult> {
    this.begin(cmd.run);
    const slow = cmd.slow.map((idx) => this.clients.get(idx)).filter((c) => c !== undefined);
    const senders = cmd.sends.map((plan) => {
      const burst = plan.burst ?? 1;
      const interval = (1e6 * burst) / plan.rate;
      return { client: this.client(plan.client), room: plan.room, interval, burst, next: 0, sent: 0 };
    });
    await this.waitUntil(cmd.startUs);
    for (const client of slow) {
      client.slow = true;
      client.pause();
    }
    const slowTimer = setInterval(() => {
      for (const client of slow) {
        client.resume();
        setImmediate(() => client.pause());
      }
    }, SLOW_READ_EVERY_MS);
    const endUs = cmd.startUs + cmd.durationMs * 1000;
    // Steady senders start at random phases; bursts start together, so each hits the room at once.
    for (const s of senders) s.next = cmd.startUs + (s.burst > 1 ? 0 : Math.random() * s.interval);
    const meter = new CpuMeter('self');
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = nowUs();
        for (const s of senders) {
          while (s.next <= now && s.next < endUs) {
            for (let i = 0; i < s.burst; i += 1) {
              s.client.send(s.room, markerText(s.next, s.client.idx, cmd.run, cmd.payloadBytes));
              this.sendLag.record(now - s.next);
              s.sent += 1;
            }
            s.next += s.interval;
          }
        }
        if (now < endUs) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    const cpu = meter.read();
    await this.drain(endUs, cmd.quietMs, cmd.maxDrainMs);
    clearInterval(slowTimer);
    for (const client of slow) {
      client.resume();
      client.slow = false;
    }
    const sentByRoom: Record<string, number> = {};
    for (const s of senders) sentByRoom[s.room] = (sentByRoom[s.room] ?? 0) + s.sent;
    return this.result(cpu, sentByRoom);
  }

  /** Closed loop: each sender keeps `window` acked sends in flight for the whole duration. */
  async runClosedLoop(cmd: ClosedLoopCommand): Promise<RunResult> {
    this.begin(cmd.run);
    const sentByRoom: Record<string, number> = {};
    await this.waitUntil(cmd.startUs);
    const endUs = cmd.startUs + cmd.durationMs * 1000;
    const meter = new CpuMeter('self');
    const lane = async (client: BenchClient, room: string) => {
      while (nowUs() < endUs) {
        const sent = nowUs();
        try {
          await client.sendAcked(room, markerText(sent, client.idx, cmd.run, cmd.payloadBytes));
          sentByRoom[room] = (sentByRoom[room] ?? 0) + 1;
          this.acks += 1;
          this.ackLatency.record(nowUs() - sent);
        } catch (err) {
          const code = (err as { code?: string }).code ?? 'ERROR';
          client.errors.set(code, (client.errors.get(code) ?? 0) + 1);
          if (code === 'CLOSED') return;
        }
      }
    };
    const lanes: Array<Promise<void>> = [];
    for (const { client, room } of cmd.senders) {
      for (let i = 0; i < cmd.window; i += 1) lanes.push(lane(this.client(client), room));
    }
    await Promise.all(lanes);
    const cpu = meter.read();
    await this.drain(endUs, cmd.quietMs, cmd.maxDrainMs);
    return this.result(cpu, sentByRoom);
  }
}
