import type { Database } from 'better-sqlite3';
import type { Attachment } from '@segmentchat/protocol';
import type { UploadRow, UploadStore } from './upload-store.ts';

type Row = { id: string; mime: string; width: number; height: number; bytes: number };

function toAttachment(r: Row): Attachment {
  return {
    id: r.id,
    mime: r.mime as Attachment['mime'],
    width: r.width,
    height: r.height,
    bytes: r.bytes,
  };
}

/** Upload records in the `uploads` table (migration 3), on the main store's connection. */
export class SqliteUploadStore implements UploadStore {
  private readonly insert;
  private readonly own;
  private readonly file;

  constructor(db: Database) {
    this.insert = db.prepare(
      `INSERT INTO uploads (id, mime, width, height, bytes, uploader_id, channel_id, created_at)
       VALUES (@id, @mime, @width, @height, @bytes, @uploaderId, @channelId, @createdAt)
       ON CONFLICT DO NOTHING`,
    );
    this.own = db.prepare(
      `SELECT id, mime, width, height, bytes FROM uploads WHERE id = ? AND uploader_id = ? AND channel_id = ?`,
    );
    this.file = db.prepare(`SELECT id, mime, width, height, bytes, channel_id FROM uploads WHERE id = ?`);
  }

  async addUpload(row: UploadRow): Promise<void> {
    this.insert.run(row);
  }

  async findOwnUpload(id: string, uploaderId: string, channelId: string): Promise<Attachment | undefined> {
    const r = this.own.get(id, uploaderId, channelId) as Row | undefined;
    return r ? toAttachment(r) : undefined;
  }

  async findFile(id: string): Promise<{ file: Attachment; channelIds: string[] } | undefined> {
    const rows = this.file.all(id) as (Row & { channel_id: string })[];
    const first = rows[0];
    if (!first) return undefined;
    return { file: toAttachment(first), channelIds: [...new Set(rows.map((r) => r.channel_id))] };
  }
}
