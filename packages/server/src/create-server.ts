import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { HttpRoute } from '@segmentchat/protocol';
import type { Bus } from './bus.ts';
import { AccountService } from './account-service.ts';
import { setupAdmin } from './admin-setup.ts';
import type { AdminOptions } from './admin-setup.ts';
import { registerAuthRoutes } from './auth-routes.ts';
import { registerFileRoutes } from './file-routes.ts';
import { ChannelService } from './channel-service.ts';
import { CommitBatcher } from './commit-batcher.ts';
import { defaultConfig } from './config.ts';
import { HostService } from './host-service.ts';
import type { ServerConfig } from './config.ts';
import { sendError } from './http-errors.ts';
import { LocalBus } from './local-bus.ts';
import type { AttachmentResolver } from './message-service.ts';
import { MessageService } from './message-service.ts';
import { Metrics } from './metrics.ts';
import { registerPasswordChangeGate } from './password-change-gate.ts';
import { PresenceService } from './presence-service.ts';
import { PresenceWatchers } from './presence-watchers.ts';
import { requestHandlers } from './request-handlers.ts';
import { UploadService } from './upload-service.ts';
import { registerUploadRoutes } from './upload-routes.ts';
import type { Handlers } from './request-handlers.ts';
import type { Services } from './services.ts';
import { SignalRelay } from './signal-relay.ts';
import { SqliteStore } from './sqlite-store.ts';
import { StreamRelay } from './stream-relay.ts';
import { StreamService } from './stream-service.ts';
import { TrafficMetrics } from './traffic-metrics.ts';
import type { Store } from './store.ts';
import { WsGateway } from './ws-gateway.ts';

/**
 * Connections the kernel completes and holds while the server is busy. After a restart every
 * client reconnects at once; with Node's default of 511, the bench's 1,000 clients reconnecting
 * within a few milliseconds overflowed it (55 SYNs dropped, `nstat` ListenOverflows), and each
 * dropped client retried only after a second. Linux caps it at net.core.somaxconn (4096 by
 * default since 5.4).
 */
const LISTEN_BACKLOG = 4096;

/** A close still running after this prints what it waits for, and again as often. */
const SLOW_CLOSE_REPORT_MS = 2_000;

/** How long a close lets HTTP requests still running finish. */
const HTTP_DRAIN_MS = 5_000;

export interface ServerOptions extends Partial<Omit<ServerConfig, 'limits'>> {
  limits?: Partial<ServerConfig['limits']>;
  /** Another store (a Postgres one, a test double); SQLite in `dataDir` otherwise. */
  store?: Store;
  /** Replaces handlers of request types (later features plug in here). */
  handlers?: Partial<Handlers>;
  resolveAttachments?: AttachmentResolver;
  /** The first admin's password, supervision, how to exit (see admin-setup.ts). */
  admin?: AdminOptions;
}

export interface ChatServer {
  app: FastifyInstance;
  services: Services;
  gateway: WsGateway;
  /** Listens on `config.host:config.port` and answers the base URL (`http://host:port`). */
  listen(): Promise<string>;
  /** Closes sockets with 1001 (4012 on restart), commits queued messages, closes the store. */
  close(options?: { restart?: boolean }): Promise<void>;
}

/** A 256-bit secret kept in the data directory; relay keys derive from it and survive restarts. */
function serverSecret(dataDir: string): Buffer {
  const path = join(dataDir, 'server-secret');
  if (existsSync(path)) return readFileSync(path);
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32);
  writeFileSync(path, secret, { mode: 0o600 });
  return secret;
}

/** Builds the whole server without listening, so tests can start it on port 0. */
export async function createServer(options: ServerOptions = {}): Promise<ChatServer> {
  const config: ServerConfig = {
    ...defaultConfig,
    ...options,
    limits: { ...defaultConfig.limits, ...options.limits },
  };
  const store =
    options.store ??
    new SqliteStore(join(config.dataDir, 'segment_chat.db'), { synchronous: config.sqliteSynchronous });
  const localBus = new LocalBus();
  // Every service publishes through the host service's route, which leaves members linked to a
  // channel's host out of that channel's new messages (the host forwards those).
  let hosts: HostService | null = null;
  const bus: Bus = {
    publish: (m) => localBus.publish(hosts ? hosts.route(m) : m),
    subscribe: (l) => localBus.subscribe(l),
  };
  const metrics = new Metrics();
  const traffic = new TrafficMetrics(async (id) => (await store.findChannel(id))?.kind === 'dm');
  const secret = serverSecret(config.dataDir);
  const relayKey = (userId: string) =>
    createHmac('sha256', secret).update(`relay:${userId}`).digest('base64url');
  const batcher = new CommitBatcher(store, metrics);
  const channels = new ChannelService(store, bus);
  hosts = new HostService(store, localBus, channels, batcher, relayKey, traffic, config.limits.sends);
  const accounts = new AccountService(store, config, (userId) => channels.joinDefault(userId));
  const uploads = UploadService.forStore(store, channels, config);
  const services: Services = {
    config,
    store,
    bus,
    metrics,
    batcher,
    accounts,
    channels,
    messages: new MessageService(
      store,
      bus,
      channels,
      batcher,
      config.limits.sends,
      metrics,
      options.resolveAttachments ?? uploads?.resolveAttachments,
    ),
    presence: new PresenceService(
      store,
      bus,
      channels,
      config.presenceGraceMs,
      config.presencePushMaxMembers,
    ),
    watchers: new PresenceWatchers(),
    signals: new SignalRelay(store, bus),
    hosts,
    streams: new StreamService(
      store,
      bus,
      channels,
      batcher,
      config.streamDirectMax,
      new StreamRelay({ iceServers: config.iceServers, hostAddresses: config.streamRelayHosts }),
    ),
    traffic,
    relayKey,
  };
  await channels.ensureGeneral();

  // Auth bodies are tiny; 64 KiB refuses junk early. Per-request logs (info) would drown the
  // useful lines, so the log starts at warnings.
  const app = Fastify({
    logger: config.logger ? { level: 'warn' } : false,
    trustProxy: config.trustProxy,
    bodyLimit: 64 * 1024,
  });
  await app.register(fastifyCookie);
  app.setErrorHandler((e, req, reply) => sendError(reply, e, req));
  // Before every route: an account that must change its password can do nothing else.
  registerPasswordChangeGate(app, services);
  registerAuthRoutes(app, services);
  if (uploads) {
    await registerUploadRoutes(app, services, uploads);
    registerFileRoutes(app, services, uploads);
  }
  const gateway = new WsGateway(services, { ...requestHandlers, ...options.handlers });
  gateway.attach(app.server);
  await setupAdmin(app, services, {
    ...options.admin,
    connections: () => gateway.connectionCount,
    close: (o) => self.close(o),
  });
  traffic.watch(app.server);

  const startedAt = Date.now();
  app.get(HttpRoute.HEALTH, async () => ({
    status: 'ok',
    uptimeMs: Date.now() - startedAt,
    connections: gateway.connectionCount,
  }));
  app.get(HttpRoute.METRICS, async (_req, reply) =>
    reply
      .type('text/plain; version=0.0.4')
      .send(metrics.render() + traffic.render() + services.streams.render()),
  );

  if (config.webRoot && existsSync(join(config.webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: config.webRoot, wildcard: false });
    // The app routes on the client (`/c/general`, `/admin`): unknown GETs outside the API get
    // the app shell; everything else is a JSON 404.
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && !req.url.startsWith('/api/')) return reply.sendFile('index.html');
      return reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such route' } });
    });
  } else {
    app.setNotFoundHandler((_req, reply) =>
      reply.status(404).send({ error: { code: 'NOT_FOUND', message: 'No such route' } }),
    );
  }

  const sweeper = setInterval(() => void store.sweepExpired(Date.now()).catch(() => {}), 10 * 60_000).unref();
  let closing: Promise<void> | undefined;

  const self: ChatServer = {
    app,
    services,
    gateway,
    async listen() {
      await app.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      return `http://${host}:${port}`;
    },
    close(opts = {}) {
      closing ??= (async () => {
        clearInterval(sweeper);
        // A close that takes long says what it waits for, so a stuck restart can be diagnosed.
        const started = Date.now();
        let step = 'committing accepted messages';
        const slow = setInterval(() => {
          app.server.getConnections((_e, open) =>
            console.warn(
              `Still closing after ${Math.round((Date.now() - started) / 1000)} s: ${step} ` +
                `(${gateway.connectionCount} WebSockets, ${open} TCP connections open)`,
            ),
          );
        }, SLOW_CLOSE_REPORT_MS).unref();
        try {
          // Commit what was accepted first (later sends get UNAVAILABLE), let those acks go out,
          // then say goodbye: a client's outbox only resends what was never acked.
          services.streams.close();
          await batcher.close();
          await new Promise((resolve) => setImmediate(resolve));
          step = 'closing WebSockets';
          await gateway.close(opts.restart ?? false);
          step = 'closing the HTTP server';
          // Requests still running get a few seconds to finish, then their connections are cut.
          const cut = setTimeout(() => app.server.closeAllConnections(), HTTP_DRAIN_MS).unref();
          await app.close();
          clearTimeout(cut);
          step = 'closing presence and the store';
          await services.presence.close();
          await store.close();
        } finally {
          clearInterval(slow);
        }
      })();
      return closing;
    },
  };
  return self;
}
