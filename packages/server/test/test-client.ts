import WebSocket from 'ws';
import { ChatError, PROTOCOL_VERSION } from '@segmentchat/protocol';
import type {
  ErrorBody,
  RequestParams,
  RequestResult,
  RequestType,
  ServerEvent,
  SessionResult,
} from '@segmentchat/protocol';

type Reply = { re: number | null; ok: boolean; error?: ErrorBody } & Record<string, unknown>;

/**
 * A bare protocol client over a real WebSocket, for server tests: it sends frames exactly as
 * given (even broken ones) and records every reply, event and the close.
 */
export class TestClient {
  readonly events: ServerEvent[] = [];
  /** For each of `events`, the number of the WebSocket frame it came in (frames share events). */
  readonly eventFrames: number[] = [];
  private frames = 0;
  /** Replies with `re: null` (frames the server could not attribute). */
  readonly orphanErrors: ErrorBody[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  hello: RequestResult<'hello'> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, (r: Reply) => void>();
  private readonly waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        // Requests still waiting will never get a reply; they fail like the SDK's would.
        for (const [re, answer] of this.pending)
          answer({ re, ok: false, error: { code: 'UNAVAILABLE', message: 'Connection closed' } });
        this.pending.clear();
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data) => {
      // A frame is one object, or an array of them (a channel's events of one loop turn).
      const parsed = JSON.parse((data as Buffer).toString()) as
        (Reply & ServerEvent) | (Reply & ServerEvent)[];
      const frame = this.frames++;
      for (const msg of Array.isArray(parsed) ? parsed : [parsed]) {
        if ('re' in msg) {
          if (msg.re === null) this.orphanErrors.push(msg.error!);
          else this.pending.get(msg.re)?.(msg);
          if (msg.re !== null) this.pending.delete(msg.re);
        } else {
          this.events.push(msg);
          this.eventFrames.push(frame);
        }
      }
      for (const w of this.waiters) w();
    });
  }

  /** Opens the socket (no hello yet). */
  static open(baseUrl: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws', { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Opens the socket and says hello with the token. */
  static async connect(baseUrl: string, token: string): Promise<TestClient> {
    const c = await TestClient.open(baseUrl);
    c.hello = await c.request('hello', { protocol: PROTOCOL_VERSION, token });
    return c;
  }

  /** Sends a request; resolves with its result or rejects with the ChatError. */
  async request<T extends RequestType>(type: T, params: RequestParams<T>): Promise<RequestResult<T>> {
    const r = await this.rawRequest({ type, ...params });
    if (!r.ok) throw ChatError.fromBody(r.error!);
    const { re: _re, ok: _ok, ...result } = r;
    return result as RequestResult<T>;
  }

  /** Sends a frame object with a fresh id and waits for its reply, whatever it is. */
  rawRequest(frame: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.ws.send(JSON.stringify({ id, ...frame }));
    });
  }

  /** Waits until an event matching `pred` has arrived (including ones already received). */
  waitEvent<E extends ServerEvent>(pred: (e: ServerEvent) => e is E): Promise<E>;
  waitEvent(pred: (e: ServerEvent) => boolean): Promise<ServerEvent>;
  waitEvent(pred: (e: ServerEvent) => boolean): Promise<ServerEvent> {
    return this.waitFor(() => this.events.find(pred));
  }

  /** Waits until `check` answers something other than undefined, re-checking on each frame. */
  waitFor<T>(check: () => T | undefined): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const w = () => {
        const v = check();
        if (v !== undefined) {
          this.waiters.delete(w);
          resolve(v);
        }
      };
      this.waiters.add(w);
    });
  }

  async close(): Promise<void> {
    this.ws.close();
    await this.closed;
  }
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T & { error?: ErrorBody };
  headers: Headers;
}

export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(baseUrl + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as ApiResponse<T>['body'], headers: res.headers };
}

let counter = 0;
/** Registers a fresh account; names are unique per run and never look alike. */
export async function register(baseUrl: string, prefix = 'user'): Promise<SessionResult> {
  counter++;
  const username =
    `${prefix}_${process.pid.toString(36)}_${counter.toString(36)}_${Math.random().toString(36).slice(2, 8)}`.slice(
      0,
      32,
    );
  const r = await api<SessionResult>(baseUrl, '/api/auth/register', {
    username,
    password: `correct horse ${counter} battery`,
  });
  if (r.status !== 200) throw new Error(`register failed: ${JSON.stringify(r.body)}`);
  return r.body;
}
