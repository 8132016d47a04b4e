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
 * 3. Presence on demand in large channels: members of a channel with more members than the
 *    server's `PRESENCE_PUSH_MAX_MEMBERS` are not pushed each other's presence; a client asks for
 *    the people it shows (`presence.watch`) and gets their changes as `presence` events marked
 *    `watched`. A thousand members coming back after an outage no longer cost n²/2 entries.
 *    `channel.members` answers with who of them is online or away.
 * 4. `hello` takes the client's sync cursors and answers with the first page of changes since
 *    them: reconnecting clients catch up in one round trip, and a server just restarted answers
 *    a thousand of them one request each instead of two.
 * 5. `presence.reset`: when one of a client's channels grows past the large-channel size (or
 *    shrinks back), the client is sent the presence it should now hold, instead of keeping
 *    statuses nobody updates any more until its next hello.
 * 6. `hello` lists the caller's own channels only, not every public one (`channel.list` does):
 *    with a hundred public channels the list cost each hello ~0.7 ms and 25 KB.
 */
export const PROTOCOL_VERSION = 6;
