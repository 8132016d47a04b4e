import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './frames.ts';

describe('parseClientFrame', () => {
  it('accepts a valid request and applies defaults', () => {
    const r = parseClientFrame(
      JSON.stringify({
        id: 1,
        type: 'message.send',
        channelId: 'c1',
        clientMsgId: crypto.randomUUID(),
        text: 'hi',
      }),
    );
    expect(r.ok).toBe(true);
    if (r.ok && r.frame.type === 'message.send') expect(r.frame.params.attachments).toEqual([]);
  });
  it.each([
    ['not json', '{', 'INVALID', null],
    ['array', '[1]', 'INVALID', null],
    ['no id', JSON.stringify({ type: 'ping' }), 'INVALID', null],
    ['unknown type', JSON.stringify({ id: 2, type: 'nope' }), 'UNKNOWN_TYPE', 2],
    ['wrong field type', JSON.stringify({ id: 3, type: 'message.send', channelId: 5 }), 'INVALID', 3],
    ['proto pollution', '{"id":4,"type":"__proto__"}', 'UNKNOWN_TYPE', 4],
    [
      'text too long',
      JSON.stringify({
        id: 5,
        type: 'message.send',
        channelId: 'c',
        clientMsgId: crypto.randomUUID(),
        text: 'x'.repeat(4001),
      }),
      'INVALID',
      5,
    ],
  ])('refuses %s with a typed error', (_name, raw, code, id) => {
    const r = parseClientFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.id).toBe(id);
    }
  });
});
