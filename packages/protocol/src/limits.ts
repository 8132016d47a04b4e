/** Limits shared by client (for early feedback) and server (the authority). */
export const Limits = {
  /** Message text, in UTF-16 code units as the UI counts them. */
  MESSAGE_TEXT_MAX: 4000,
  /**
   * Largest WebSocket frame the server accepts: a 4,000-character message is at most ~16 KB as
   * UTF-8 JSON; a host relay batch carries up to 50 of them. 1 MiB leaves room and is far below
   * `ws`'s 100 MiB default, which would let one client pin memory.
   */
  FRAME_BYTES_MAX: 1024 * 1024,
  USERNAME_MIN: 3,
  USERNAME_MAX: 32,
  PASSWORD_MIN: 8,
  PASSWORD_MAX: 256,
  CHANNEL_NAME_MIN: 2,
  CHANNEL_NAME_MAX: 40,
  CHANNEL_DESCRIPTION_MAX: 300,
  HISTORY_PAGE_MAX: 200,
  SYNC_PAGE_MAX: 500,
  ATTACHMENTS_PER_MESSAGE_MAX: 10,
  HOST_BATCH_MAX: 50,
  SIGNAL_PAYLOAD_MAX: 16 * 1024,
  /** People one connection may watch with `presence.watch`: a screenful of a member list, and more. */
  PRESENCE_WATCH_MAX: 200,
} as const;

/** Letters, digits, `_`, `.` and `-` (checked after Unicode NFKC normalization). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** Lower-case letters, digits and `-`/`_`, starting with a letter or digit. */
export const CHANNEL_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
