import { expect, it } from 'vitest';
import { PreparedReply } from './prepared-reply.ts';

it('wraps text and shared UTF-8 parts into one JSON reply', () => {
  const page = Buffer.from('{"text":"grüße 🎉"},{"text":"two"}');
  const reply = new PreparedReply(['"changes":[', page, '],"hasMore":false']);
  const bytes = reply.bytes(7);
  expect(JSON.parse(bytes.toString('utf8'))).toEqual({
    re: 7,
    ok: true,
    changes: [{ text: 'grüße 🎉' }, { text: 'two' }],
    hasMore: false,
  });
  // The shared part is copied, not referenced: a later reply cannot change this one.
  page.fill(0x20);
  expect(JSON.parse(bytes.toString('utf8')).changes).toHaveLength(2);
  expect(JSON.parse(new PreparedReply('"message":{"id":"m1"}').bytes(null).toString())).toEqual({
    re: null,
    ok: true,
    message: { id: 'm1' },
  });
});
