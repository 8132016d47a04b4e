import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base64Url, hmacSha256, sha256, signRelay } from './hmac-sha256.ts';

const enc = new TextEncoder();

describe('hmac-sha256', () => {
  it('matches node:crypto for empty, block-edge, long and non-ASCII inputs', () => {
    for (const text of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'é☃𝄞'.repeat(300)]) {
      expect(Buffer.from(sha256(enc.encode(text))).toString('hex')).toBe(
        createHash('sha256').update(text).digest('hex'),
      );
      for (const key of ['k', 'a relay key of forty-three base64url chars', 'K'.repeat(100)]) {
        expect(Buffer.from(hmacSha256(enc.encode(key), enc.encode(text))).toString('hex')).toBe(
          createHmac('sha256', key).update(text).digest('hex'),
        );
        expect(signRelay(key, text)).toBe(createHmac('sha256', key).update(text).digest('base64url'));
      }
    }
    expect(base64Url(new Uint8Array([251, 255]))).toBe('-_8');
  });
});
