import type { FastifyInstance } from 'fastify';
import { AdminChannelService } from './admin-channel-service.ts';
import { ensureAdminAccount } from './admin-bootstrap.ts';
import { registerAdminRoutes } from './admin-routes.ts';
import type { AdminServices } from './admin-routes.ts';
import type { AdminStore } from './admin-store.ts';
import { AdminUserService } from './admin-user-service.ts';
import { AuditLog } from './audit-log.ts';
import { ServerControl } from './server-control.ts';
import type { Services } from './services.ts';
import { SqliteAdminStore } from './sqlite-admin-store.ts';
import { SqliteStore } from './sqlite-store.ts';

export interface AdminOptions {
  /** The first admin's password (SEGMENTCHAT_ADMIN_PASSWORD); `admin` otherwise, to be changed. */
  adminPassword?: string;
  /** A supervisor restarts the server on exit code 75 (SEGMENTCHAT_SUPERVISED=1, set by `npm start`). */
  supervised?: boolean;
  /** Ends the process after a restart or stop; `process.exit` by default (tests record it). */
  exit?: (code: number) => void;
  /** Another admin store, for a store that is not SQLite. */
  adminStore?: AdminStore;
}

/**
 * Everything of the admin feature, plugged into a server being built: creates the first admin
 * (once ever), builds the admin services and registers `/api/admin/...`.
 */
export async function setupAdmin(
  app: FastifyInstance,
  services: Services,
  options: AdminOptions & {
    connections: () => number;
    close: (options: { restart: boolean }) => Promise<void>;
  },
): Promise<AdminServices> {
  const { store, bus, presence, channels, config, metrics } = services;
  const adminStore =
    options.adminStore ?? (store instanceof SqliteStore ? new SqliteAdminStore(store.database) : undefined);
  if (!adminStore) throw new Error('A store other than SQLite needs an adminStore too');
  await ensureAdminAccount(
    store,
    adminStore,
    options.adminPassword ?? process.env.SEGMENTCHAT_ADMIN_PASSWORD,
    (line) => {
      if (config.logger) console.warn(line);
    },
  );
  const audit = new AuditLog(adminStore);
  const control = new ServerControl({
    metrics,
    presence,
    admin: adminStore,
    audit,
    connections: options.connections,
    supervised: options.supervised ?? process.env.SEGMENTCHAT_SUPERVISED === '1',
    close: options.close,
    exit: options.exit ?? ((code) => process.exit(code)),
    passwordAttempts: config.limits.login,
  });
  app.addHook('onClose', async () => control.dispose());
  const admin: AdminServices = {
    users: new AdminUserService(store, adminStore, bus, presence, audit, (id) => channels.joinDefault(id)),
    channels: new AdminChannelService(store, adminStore, bus, audit),
    audit,
    control,
  };
  registerAdminRoutes(app, services, admin);
  return admin;
}
