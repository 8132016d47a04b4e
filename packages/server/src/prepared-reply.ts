/**
 * A reply whose fields are already JSON, for a handler that serves many clients the same large
 * body: the connection sends `{"re":N,"ok":true,<fields>}` around it instead of serializing the
 * body again for each of them. Parts given as bytes (a shared sync page) are copied, never
 * encoded again: turning a 40 KB string into UTF-8 cost more than the rest of the reply.
 */
export class PreparedReply {
  /**
   * `fields`: the body's fields as in a JSON object, without braces (`"a":1,"b":[2]`), in parts:
   * JSON text, or the UTF-8 bytes of JSON text.
   */
  constructor(readonly fields: string | (string | Buffer)[]) {}

  /** The whole reply to request `re`, as the UTF-8 bytes of one JSON object. */
  bytes(re: number | null): Buffer {
    const head = `{"re":${re},"ok":true,`;
    if (typeof this.fields === 'string') return Buffer.from(`${head}${this.fields}}`);
    const parts = [head, ...this.fields, '}'].map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    return Buffer.concat(parts);
  }
}
