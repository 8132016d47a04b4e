import type { SyncPage } from './sync-page-cache.ts';

/** What `MessageService.sync` found: one page per channel, the new cursors, and whether more is left. */
export interface SyncAnswer {
  pages: SyncPage[];
  cursors: Record<string, number>;
  hasMore: boolean;
}

/**
 * A sync answer's fields as JSON in parts (`"changes":[…],"cursors":{…},"hasMore":…`), for the
 * `sync` reply and for `hello`'s first page. Every client of a room catching up after an outage
 * is sent the same pages: each page is serialized and encoded once (`SyncPage.bytes`) and its
 * bytes are shared, not built again per client.
 */
export function syncFields({ pages, cursors, hasMore }: SyncAnswer): (string | Buffer)[] {
  const fields: (string | Buffer)[] = ['"changes":['];
  for (const page of pages) {
    if (page.bytes.length === 0) continue;
    if (fields.length > 1) fields.push(',');
    fields.push(page.bytes);
  }
  fields.push(`],"cursors":${JSON.stringify(cursors)},"hasMore":${hasMore}`);
  return fields;
}
