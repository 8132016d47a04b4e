import { verifyPassword } from './password-hasher.ts';
import { ChatError, ErrorCode } from '@segmentchat/protocol';
import type { ServerStats } from '@segmentchat/protocol';
import type { AdminStore } from './admin-store.ts';
import type { Actor, AuditLog } from './audit-log.ts';
import type { Metrics } from './metrics.ts';
import type { PresenceService } from './presence-service.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { RateSpec } from './config.ts';
import type { UserRow } from './store.ts';

/** The supervisor (`scripts/start.mjs`) starts the server again when it exits with this code. */
export const RESTART_EXIT_CODE = 75;

/** One sample of the stored-messages counter every 5 s; 13 of them span the last minute. */
const SAMPLE_MS = 5_000;
const SAMPLES = 60_000 / SAMPLE_MS + 1;

export interface ServerControlOptions {
  metrics: Metrics;
  presence: PresenceService;
  admin: AdminStore;
  audit: AuditLog;
  connections: () => number;
  /** Whether a supervisor will start the server again (SEGMENTCHAT_SUPERVISED=1). */
  supervised: boolean;
  /** Closes the server: sockets with 4012 on restart (clients come back), 1001 on stop. */
  close: (options: { restart: boolean }) => Promise<void>;
  /** Ends the process (`process.exit`; tests pass a recorder). */
  exit: (code: number) => void;
  passwordAttempts: RateSpec;
}

/** The server's live figures, and restart / stop behind a confirmation and a fresh password. */
export class ServerControl {
  readonly startedAt = Date.now();
  private readonly samples: number[] = [];
  private readonly sampler: NodeJS.Timeout;
  private readonly attempts: RateLimiter;
  private ending: Promise<void> | undefined;

  constructor(private readonly o: ServerControlOptions) {
    this.sampler = setInterval(() => this.sample(), SAMPLE_MS).unref();
    this.sample();
    this.attempts = new RateLimiter(o.passwordAttempts);
  }

  dispose(): void {
    clearInterval(this.sampler);
  }

  async stats(): Promise<ServerStats> {
    const { metrics, presence, admin } = this.o;
    const memory = process.memoryUsage();
    const oldest = this.samples[0] ?? 0;
    return {
      connections: this.o.connections(),
      usersOnline: presence.onlineCount,
      messagesPerMinute: Math.max(0, metrics.messagesTotal - oldest),
      uptimeMs: Date.now() - this.startedAt,
      startedAt: this.startedAt,
      databaseBytes: await admin.databaseBytes(),
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed },
      supervised: this.o.supervised,
    };
  }

  /**
   * Checks that the restart or stop may go ahead (confirmed, the admin's password, a supervisor
   * for a restart) and audits it. The caller answers the request, then calls `perform`.
   */
  async authorize(
    actor: Actor & { user: UserRow },
    action: 'restart' | 'stop',
    password: string,
  ): Promise<void> {
    if (action === 'restart' && !this.o.supervised) {
      throw ChatError.conflict(
        'This server runs without its supervisor, so it would not come back. Start it with `npm start` to restart from here, or restart it yourself.',
      );
    }
    const wait = this.attempts.take(actor.user.id);
    if (wait > 0) throw ChatError.rateLimited(wait);
    const hash = actor.user.passwordHash;
    if (!hash || !(await verifyPassword(hash, password)))
      throw new ChatError(ErrorCode.BAD_CREDENTIALS, 'That is not your password');
    if (this.ending) throw new ChatError(ErrorCode.UNAVAILABLE, 'The server is already going down');
    await this.o.audit.record(actor, action === 'restart' ? 'server.restart' : 'server.stop', 'server');
  }

  /** Restart: close gracefully (4012), exit 75 for the supervisor. Stop: drain, exit 0. */
  perform(action: 'restart' | 'stop'): Promise<void> {
    this.ending ??= (async () => {
      const restart = action === 'restart';
      try {
        await this.o.close({ restart });
        this.o.exit(restart ? RESTART_EXIT_CODE : 0);
      } catch (e) {
        console.error(`Server ${action} failed`, e);
        this.o.exit(1);
      }
    })();
    return this.ending;
  }

  private sample(): void {
    this.samples.push(this.o.metrics.messagesTotal);
    if (this.samples.length > SAMPLES) this.samples.shift();
  }
}
