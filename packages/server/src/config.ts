import { resolve } from 'node:path';
import type { IceServer } from '@segmentchat/protocol';

/** Token-bucket settings: `burst` requests at once, refilled at `perSecond`. */
export interface RateSpec {
  burst: number;
  perSecond: number;
}

export interface ServerConfig {
  port: number;
  host: string;
  /** Holds `segment_chat.db` (and later uploads). */
  dataDir: string;
  /** Origins allowed to open a cookie-authenticated WebSocket besides the server's own host. */
  allowedOrigins: string[];
  /** Serve the built web app from here when the directory exists. */
  webRoot: string | null;
  iceServers: IceServer[];
  /** Set the `Secure` flag on the session cookie (behind HTTPS). */
  secureCookies: boolean;
  trustProxy: boolean;
  /** Log requests (off in tests). */
  logger: boolean;
  /**
   * `FULL` makes an acked message survive power loss, not just a process crash. Grouped commits
   * pay one fsync per batch, so the cost is shared by every message in the batch.
   */
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /**
   * The longest a busy, big channel's events wait to share a write with later ones (FANOUT_HOLD_MS;
   * 0 writes every batch on the next turn). See `channel-fanout.ts`.
   */
  fanoutHoldMs: number;
  limits: {
    /** Requests per WebSocket connection. */
    wsRequests: RateSpec;
    /** Rejected requests in a row after which a flooding connection is closed (4008). */
    wsFloodStrikes: number;
    /** Messages per user (all of its connections). */
    sends: RateSpec;
    /** Login attempts per IP and per account name. */
    login: RateSpec;
    /** Registrations and visitor sessions per IP. */
    register: RateSpec;
    /** A connection whose unsent bytes exceed this is too slow to keep up and is closed. */
    socketBufferBytes: number;
    /** Largest upload body, counted while it streams in (SEGMENTCHAT_UPLOAD_MAX_BYTES). */
    uploadBytes: number;
    /** Largest image area, read from its header before decoding (SEGMENTCHAT_UPLOAD_MAX_PIXELS). */
    uploadPixels: number;
    /** Uploads per user: each can be 10 MB of disk and a decode. */
    uploads: RateSpec;
  };
  /** Sessions of accounts live this long (30 days); visitors live `visitorTtlMs` (24 hours). */
  sessionTtlMs: number;
  visitorTtlMs: number;
  /** A connection must say hello within this time. */
  helloTimeoutMs: number;
  /** How long a user whose last connection closed still shows as before (PRESENCE_GRACE_MS). */
  presenceGraceMs: number;
  /**
   * Presence is pushed to everyone in channels of at most this many members; in larger ones a
   * client asks for the people it shows (PRESENCE_PUSH_MAX_MEMBERS, 100).
   */
  presencePushMaxMembers: number;
  /**
   * Viewers a streamer's browser serves itself before the server's relay takes the rest
   * (SEGMENTCHAT_STREAM_DIRECT_MAX). Each direct viewer costs the streamer one upload of the
   * stream (~1.5 Mbit/s at 720p): 4 fit a home uplink of 10 Mbit/s with room to spare.
   */
  streamDirectMax: number;
  /** Extra host addresses the stream relay offers (e.g. 127.0.0.1, which werift leaves out). */
  streamRelayHosts: string[];
}

export const defaultConfig: ServerConfig = {
  port: 5000,
  host: '0.0.0.0',
  dataDir: resolve('data'),
  allowedOrigins: [],
  webRoot: null,
  iceServers: [],
  secureCookies: false,
  trustProxy: false,
  logger: true,
  sqliteSynchronous: 'FULL',
  // Under the hot-room goal of p99 < 10 ms at 100,000 deliveries/s, with room for the network.
  fanoutHoldMs: 4,
  limits: {
    // 50 requests/s sustained with bursts of 100 is far above a person typing and reading, and
    // still caps a runaway client at a few thousand frames per minute.
    wsRequests: { burst: 100, perSecond: 50 },
    wsFloodStrikes: 100,
    sends: { burst: 60, perSecond: 20 },
    // 10 attempts, then one every 6 seconds: a person mistyping is never blocked, a guesser is.
    login: { burst: 10, perSecond: 1 / 6 },
    register: { burst: 20, perSecond: 1 / 30 },
    socketBufferBytes: 8 * 1024 * 1024,
    // 10 MB holds any phone photo; 40 MP (e.g. 7,750 x 5,160) is above phone cameras yet keeps a
    // decoded RGBA frame near 160 MB, so a small file cannot expand into gigabytes.
    uploadBytes: 10 * 1024 * 1024,
    uploadPixels: 40_000_000,
    // 30 at once covers dropping a photo album; then one every 2 s, still far above a person.
    uploads: { burst: 30, perSecond: 0.5 },
  },
  sessionTtlMs: 30 * 24 * 3600_000,
  visitorTtlMs: 24 * 3600_000,
  helloTimeoutMs: 10_000,
  // Longer than a page reload or a phone switching from Wi-Fi to mobile data takes to reconnect.
  presenceGraceMs: 10_000,
  presencePushMaxMembers: 100,
  streamDirectMax: 4,
  streamRelayHosts: [],
};

function flag(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`Invalid port: ${value}`);
  return n;
}

function number(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`Invalid number: ${value}`);
  return n;
}

/** A whole number, 0 allowed (a stream direct limit of 0 sends every viewer to the relay). */
function count(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`Invalid count: ${value}`);
  return n;
}

/** Flags win over environment variables, which win over defaults. */
/** A raised rate keeps a burst of at least two seconds of it, so a raised limit is not capped by the default burst. */
function rate(base: RateSpec, perSecond: number): RateSpec {
  return { burst: Math.max(base.burst, 2 * perSecond), perSecond };
}

export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): ServerConfig {
  const portValue = flag(argv, 'port') ?? env.PORT;
  const dataDir = flag(argv, 'data-dir') ?? env.DATA_DIR;
  const iceServers = env.ICE_SERVERS ? (JSON.parse(env.ICE_SERVERS) as IceServer[]) : [];
  const d = defaultConfig;
  return {
    ...d,
    port: portValue ? port(portValue) : d.port,
    host: flag(argv, 'host') ?? env.HOST ?? d.host,
    dataDir: resolve(dataDir ?? d.dataDir),
    allowedOrigins: (env.ALLOWED_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    webRoot: env.WEB_ROOT ?? resolve(new URL('../../web/dist', import.meta.url).pathname),
    iceServers,
    secureCookies: env.SECURE_COOKIES === '1',
    trustProxy: env.TRUST_PROXY === '1',
    logger: env.LOG !== '0',
    sqliteSynchronous: env.SQLITE_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL',
    fanoutHoldMs: count(env.FANOUT_HOLD_MS, d.fanoutHoldMs),
    presenceGraceMs: count(env.PRESENCE_GRACE_MS, d.presenceGraceMs),
    presencePushMaxMembers: count(env.PRESENCE_PUSH_MAX_MEMBERS, d.presencePushMaxMembers),
    streamDirectMax: count(env.SEGMENTCHAT_STREAM_DIRECT_MAX, d.streamDirectMax),
    streamRelayHosts: (env.SEGMENTCHAT_STREAM_RELAY_HOSTS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    limits: {
      ...d.limits,
      wsRequests: rate(
        d.limits.wsRequests,
        number(env.WS_REQUESTS_PER_SECOND, d.limits.wsRequests.perSecond),
      ),
      sends: rate(d.limits.sends, number(env.SENDS_PER_SECOND, d.limits.sends.perSecond)),
      uploadBytes: number(env.SEGMENTCHAT_UPLOAD_MAX_BYTES, d.limits.uploadBytes),
      uploadPixels: number(env.SEGMENTCHAT_UPLOAD_MAX_PIXELS, d.limits.uploadPixels),
    },
  };
}
