import { createServer } from './create-server.ts';
import type { ChatServer, ServerOptions } from './create-server.ts';

export interface StartServerOptions extends Omit<ServerOptions, 'dataDir' | 'port' | 'host'> {
  dataDir: string;
  /** 0 (the default here) picks a free port. */
  port?: number;
  host?: string;
  /** Serve the web app from this directory (`webRoot`). */
  webDist?: string;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  server: ChatServer;
  close(): Promise<void>;
}

/**
 * Builds and listens in one call, quietly, on a free loopback port unless told otherwise: what
 * the SDK tests, the browser tests and the benchmark need.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const { webDist, ...rest } = options;
  const server = await createServer({
    logger: false,
    ...rest,
    ...(webDist !== undefined ? { webRoot: webDist } : {}),
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
  });
  const url = await server.listen();
  const port = Number(new URL(url).port);
  return { url, port, server, close: () => server.close() };
}
