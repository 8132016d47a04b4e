/**
 * The wire protocol version. A client whose `hello.protocol` differs is closed with
 * `CloseCode.PROTOCOL_VERSION`. Every change to a schema in this package bumps it, and
 * `schema-hash.test.ts` fails until the bump (and this history) is written.
 *
 * History:
 * 1. First version: hello, channels, messages, sync, presence, typing, signal, streams, host relay.
 */
export const PROTOCOL_VERSION = 1;
