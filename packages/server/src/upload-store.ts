import type { Attachment } from '@segmentchat/protocol';

/** One upload of a file into a channel by a user. The file itself is shared by content hash. */
export interface UploadRow extends Attachment {
  uploaderId: string;
  channelId: string;
  createdAt: number;
}

/**
 * Where upload records live. SQLite implements it on the store's connection; a Postgres store
 * would bring its own.
 */
export interface UploadStore {
  /** Records an upload; uploading the same file into the same channel again changes nothing. */
  addUpload(row: UploadRow): Promise<void>;
  /** The file as this user uploaded it into this channel, if they did. */
  findOwnUpload(id: string, uploaderId: string, channelId: string): Promise<Attachment | undefined>;
  /** The file's details and every channel it was uploaded into (empty when unknown). */
  findFile(id: string): Promise<{ file: Attachment; channelIds: string[] } | undefined>;
}
