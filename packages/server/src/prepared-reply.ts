/**
 * A reply whose fields are already JSON, for a handler that serves many clients the same large
 * body: the connection sends `{"re":N,"ok":true,<fields>}` around it instead of serializing the
 * body again for each of them. Parts given as bytes (a shared sync page) are written to the
 * socket as they are, never encoded or copied again: turning a 40 KB string into UTF-8, and
 * later copying the page into one buffer per client, each cost more than the rest of the reply.
 */
export class PreparedReply {
  /**
   * `fields`: the body's fields as in a JSON object, without braces (`"a":1,"b":[2]`), in parts:
   * JSON text, or the UTF-8 bytes of JSON text. Bytes are shared with every reply that holds
   * them, so whoever made them must never change them.
   */
  constructor(readonly fields: string | (string | Buffer)[]) {}

  /** The whole reply to request `re`: the UTF-8 bytes of one JSON object, in order, in parts. */
  parts(re: number | null): Buffer[] {
    const head = `{"re":${re},"ok":true,`;
    if (typeof this.fields === 'string') return [Buffer.from(`${head}${this.fields}}`)];
    return [head, ...this.fields, '}'].map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
  }
}
