import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import {
  AddMember,
  AdminCreateChannel,
  AdminRoute,
  ChatError,
  CreateUser,
  PageQuery,
  ResetPassword,
  ServerAction,
  SetRole,
  UpdateChannel,
} from '@segmentchat/protocol';
import type { AdminRouteName } from '@segmentchat/protocol';
import type { AdminChannelService } from './admin-channel-service.ts';
import type { AdminUserService } from './admin-user-service.ts';
import type { Actor, AuditLog } from './audit-log.ts';
import { requireAdmin } from './http-principal.ts';
import { clientIp } from './request-origin.ts';
import type { ServerControl } from './server-control.ts';
import type { Services } from './services.ts';
import type { UserRow } from './store.ts';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The admin's domain services, built in `admin-setup.ts`. */
export interface AdminServices {
  users: AdminUserService;
  channels: AdminChannelService;
  audit: AuditLog;
  control: ServerControl;
}

export interface AdminRequest {
  actor: Actor & { user: UserRow };
  params: Record<string, string>;
  query: unknown;
  body: unknown;
  reply: FastifyReply;
  admin: AdminServices;
}

type AdminHandler = (r: AdminRequest) => Promise<object>;

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw ChatError.invalid(`${where}${issue?.message ?? 'invalid'}`);
  }
  return r.data;
}

const param = (r: AdminRequest, name: string): string => r.params[name] ?? '';

/** Answers first, then restarts or stops, so the admin sees that it was accepted. */
async function serverAction(r: AdminRequest, action: 'restart' | 'stop'): Promise<object> {
  const body = parse(ServerAction, r.body);
  await r.admin.control.authorize(r.actor, action, body.password);
  r.reply.raw.once('finish', () => void r.admin.control.perform(action));
  return { action };
}

/**
 * Every admin route, keyed by its name in the protocol's `AdminRoute`: a route added there
 * without a handler here is a compile error. All of them require an admin (`requireAdmin`),
 * and the authorization test walks `adminRouteList()`, so no route can be left unguarded.
 */
export const adminRouteTable: { [N in AdminRouteName]: Partial<Record<AdminMethod, AdminHandler>> } = {
  USERS: {
    GET: async (r) => {
      const q = parse(PageQuery, r.query);
      return r.admin.users.list(q.q, q.page, q.pageSize);
    },
    POST: async (r) => r.admin.users.create(r.actor, parse(CreateUser, r.body)),
  },
  USER: {
    DELETE: async (r) => {
      await r.admin.users.delete(r.actor, param(r, 'userId'));
      return {};
    },
  },
  USER_DISABLE: { POST: async (r) => ({ user: await r.admin.users.disable(r.actor, param(r, 'userId')) }) },
  USER_ENABLE: { POST: async (r) => ({ user: await r.admin.users.enable(r.actor, param(r, 'userId')) }) },
  USER_ROLE: {
    POST: async (r) => ({
      user: await r.admin.users.setRole(r.actor, param(r, 'userId'), parse(SetRole, r.body).role),
    }),
  },
  USER_PASSWORD: {
    POST: async (r) =>
      r.admin.users.resetPassword(r.actor, param(r, 'userId'), parse(ResetPassword, r.body).password),
  },
  CHANNELS: {
    GET: async (r) => {
      const q = parse(PageQuery, r.query);
      return r.admin.channels.list(q.q, q.page, q.pageSize);
    },
    POST: async (r) => ({
      channel: await r.admin.channels.create(r.actor, parse(AdminCreateChannel, r.body)),
    }),
  },
  CHANNEL: {
    PATCH: async (r) => ({
      channel: await r.admin.channels.update(r.actor, param(r, 'channelId'), parse(UpdateChannel, r.body)),
    }),
    DELETE: async (r) => {
      await r.admin.channels.delete(r.actor, param(r, 'channelId'));
      return {};
    },
  },
  CHANNEL_MEMBERS: {
    GET: async (r) => ({ members: await r.admin.channels.members(param(r, 'channelId')) }),
    POST: async (r) => ({
      members: await r.admin.channels.addMember(
        r.actor,
        param(r, 'channelId'),
        parse(AddMember, r.body).username,
      ),
    }),
  },
  CHANNEL_MEMBER: {
    DELETE: async (r) => ({
      members: await r.admin.channels.removeMember(r.actor, param(r, 'channelId'), param(r, 'userId')),
    }),
  },
  SERVER: { GET: async (r) => r.admin.control.stats() },
  SERVER_RESTART: { POST: (r) => serverAction(r, 'restart') },
  SERVER_STOP: { POST: (r) => serverAction(r, 'stop') },
  AUDIT: {
    GET: async (r) => {
      const q = parse(PageQuery, r.query);
      return r.admin.audit.list(q.page, q.pageSize);
    },
  },
};

/** Every admin route as method and URL pattern (`:param`), for registration and for tests. */
export function adminRouteList(): {
  name: AdminRouteName;
  method: AdminMethod;
  url: string;
  handler: AdminHandler;
}[] {
  const out = [];
  for (const name of Object.keys(adminRouteTable) as AdminRouteName[]) {
    for (const [method, handler] of Object.entries(adminRouteTable[name]) as [AdminMethod, AdminHandler][]) {
      out.push({ name, method, url: AdminRoute[name], handler });
    }
  }
  return out;
}

export function registerAdminRoutes(app: FastifyInstance, services: Services, admin: AdminServices): void {
  for (const route of adminRouteList()) {
    app.route({
      method: route.method,
      url: route.url,
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const principal = await requireAdmin(req, services);
        return route.handler({
          actor: { user: principal.user, ip: clientIp(req.raw, services.config.trustProxy) },
          params: req.params as Record<string, string>,
          query: req.query,
          body: req.body,
          reply,
          admin,
        });
      },
    });
  }
}
