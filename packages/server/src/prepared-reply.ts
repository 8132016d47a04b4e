/**
 * A reply whose fields are already JSON, for a handler that serves many clients the same large
 * body: the connection writes `{"re":N,"ok":true,<fields>}` around it instead of serializing the
 * body again for each of them.
 */
export class PreparedReply {
  /** `fieldsJson`: the body's fields as in a JSON object, without braces (`"a":1,"b":[2]`). */
  constructor(readonly fieldsJson: string) {}
}
