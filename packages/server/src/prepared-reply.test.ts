import { expect, it } from 'vitest';
import { PreparedReply } from './prepared-reply.ts';

const json = (parts: Buffer[]) => JSON.parse(Buffer.concat(parts).toString('utf8')) as unknown;

it('wraps text and shared UTF-8 parts into one JSON reply', () => {
  const page = Buffer.from('{"text":"grüße 🎉"},{"text":"two"}');
  const parts = new PreparedReply(['"changes":[', page, '],"hasMore":false']).parts(7);
  expect(json(parts)).toEqual({
    re: 7,
    ok: true,
    changes: [{ text: 'grüße 🎉' }, { text: 'two' }],
    hasMore: false,
  });
  // The shared page is sent as it is, not copied for each client.
  expect(parts).toContain(page);
  expect(json(new PreparedReply('"message":{"id":"m1"}').parts(null))).toEqual({
    re: null,
    ok: true,
    message: { id: 'm1' },
  });
});
