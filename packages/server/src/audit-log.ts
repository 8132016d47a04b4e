import type { AuditAction, AuditEntry, Page } from '@segmentchat/protocol';
import type { AdminStore } from './admin-store.ts';
import type { UserRow } from './store.ts';

/** Who did an admin action and from where: an admin over HTTP, or the command line (`user: null`). */
export interface Actor {
  user: Pick<UserRow, 'id' | 'username'> | null;
  ip: string;
}

/**
 * The record of every admin action: who, what, on what, when, from where. Written before the
 * action's effects are announced, so a crash right after an action still leaves its line.
 */
export class AuditLog {
  constructor(private readonly store: AdminStore) {}

  async record(actor: Actor, action: AuditAction, target: string, detail = ''): Promise<void> {
    await this.store.appendAudit({
      at: Date.now(),
      actorId: actor.user?.id ?? null,
      actorName: actor.user?.username ?? 'command line',
      action,
      target,
      detail,
      ip: actor.ip,
    });
  }

  async list(page: number, pageSize: number): Promise<Page<AuditEntry>> {
    const { rows, total } = await this.store.listAudit((page - 1) * pageSize, pageSize);
    return { items: rows, total, page, pageSize };
  }
}
