/**
 * The wire protocol version. A client whose `hello.protocol` differs is closed with
 * `CloseCode.PROTOCOL_VERSION`. Every change to a schema in this package bumps it, and
 * `schema-hash.test.ts` fails until the bump (and this history) is written.
 *
 * History:
 * 1. First version: hello, channels, messages, sync, presence, typing, signal, streams, host relay.
 * 2. Presence cursors: `hello` takes the last `presenceCursor` and may answer with only what
 *    changed since (`presenceDelta`); `presence` events carry their `cursor`. A thousand clients
 *    reconnecting to one channel no longer get a thousand presence entries each.
 */
export const PROTOCOL_VERSION = 2;
