import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { events } from './events.ts';
import { requests } from './requests.ts';
import { PROTOCOL_VERSION } from './version.ts';

/** Hash of every wire schema. When it changes, bump PROTOCOL_VERSION and update both lines. */
const KNOWN = { version: 6, hash: '1aee7eb39c881696' };

function wireShape(): string {
  const shape: Record<string, unknown> = {};
  for (const [type, r] of Object.entries(requests)) {
    shape[`req:${type}`] = {
      params: z.toJSONSchema(r.params, { io: 'input' }),
      result: z.toJSONSchema(r.result),
    };
  }
  for (const [type, e] of Object.entries(events)) shape[`evt:${type}`] = z.toJSONSchema(e);
  return JSON.stringify(shape);
}

describe('protocol version', () => {
  it('changes whenever a wire schema changes', () => {
    const hash = createHash('sha256').update(wireShape()).digest('hex').slice(0, 16);
    expect({ version: PROTOCOL_VERSION, hash }).toEqual(KNOWN);
  });
});
