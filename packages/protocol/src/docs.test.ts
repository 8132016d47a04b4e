import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode } from './error-code.ts';
import { events } from './events.ts';
import { requests } from './requests.ts';
import { PROTOCOL_VERSION } from './version.ts';

const doc = readFileSync(new URL('../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md', () => {
  it('names the current protocol version', () => {
    expect(doc).toContain(`\`PROTOCOL_VERSION\` is **${PROTOCOL_VERSION}**`);
  });
  it.each(Object.values(ErrorCode))('documents error code %s', (code) => {
    expect(doc).toMatch(new RegExp(`^- \`${code}\`: `, 'm'));
  });
  it.each(Object.values(CloseCode))('documents close code %s', (code) => {
    expect(doc).toContain(`\`${code}\``);
  });
  it.each(Object.keys(requests))('documents request %s', (type) => {
    expect(doc).toContain(`\`${type}\``);
  });
  it.each(Object.keys(events))('documents event %s', (type) => {
    expect(doc).toContain(`\`${type}\``);
  });
});
