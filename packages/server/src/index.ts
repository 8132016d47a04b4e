export { createServer } from './create-server.ts';
export type { ChatServer, ServerOptions } from './create-server.ts';
export { defaultConfig, loadConfig } from './config.ts';
export type { ServerConfig, RateSpec } from './config.ts';
export type { Store } from './store.ts';
export { SqliteStore } from './sqlite-store.ts';
export type { Bus, BusMessage } from './bus.ts';
export type { Handler, Handlers, HandlerContext } from './request-handlers.ts';
export type { Services } from './services.ts';
