import { describe, expect, it } from 'vitest';
import { parseRichText, safeHref, stripBidiControls } from './parse-rich-text.ts';

describe('parseRichText', () => {
  it('keeps plain text as one text node', () => {
    expect(parseRichText('hello there')).toEqual([{ kind: 'text', text: 'hello there' }]);
  });

  it('renders bold, italic and code', () => {
    expect(parseRichText('a *b* _c_ `d`')).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'bold', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'c' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'd' },
    ]);
  });

  it('nests italic inside bold', () => {
    expect(parseRichText('*x _y_*')).toEqual([
      {
        kind: 'bold',
        children: [
          { kind: 'text', text: 'x ' },
          { kind: 'italic', children: [{ kind: 'text', text: 'y' }] },
        ],
      },
    ]);
  });

  it('leaves snake_case and lone stars alone', () => {
    expect(parseRichText('snake_case_name 2 * 3 * 4')).toEqual([
      { kind: 'text', text: 'snake_case_name 2 * 3 * 4' },
    ]);
  });

  it('does not format inside code', () => {
    expect(parseRichText('`*not bold* https://x.y`')).toEqual([
      { kind: 'code', text: '*not bold* https://x.y' },
    ]);
  });

  it('links http and https URLs, trimming sentence punctuation', () => {
    expect(parseRichText('see https://example.com/a_b_c. ok')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', href: 'https://example.com/a_b_c', text: 'https://example.com/a_b_c' },
      { kind: 'text', text: '. ok' },
    ]);
    expect(parseRichText('(http://w.org/x_(y))')).toEqual([
      { kind: 'text', text: '(' },
      { kind: 'link', href: 'http://w.org/x_(y)', text: 'http://w.org/x_(y)' },
      { kind: 'text', text: ')' },
    ]);
  });

  it('never links other schemes', () => {
    for (const text of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,<b>x</b>',
      'vbscript:x',
    ]) {
      expect(parseRichText(text).some((n) => n.kind === 'link')).toBe(false);
    }
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref('https://ok.example/')).toBe('https://ok.example/');
  });

  it('keeps HTML as literal text', () => {
    expect(parseRichText('<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'text', text: '<img src=x onerror=alert(1)>' },
    ]);
  });

  it('strips bidi override and isolate controls', () => {
    expect(stripBidiControls('a\u202Eb\u2066c\u2069d\u202Ae')).toBe('abcde');
    expect(parseRichText('file\u202Egnp.exe')).toEqual([{ kind: 'text', text: 'filegnp.exe' }]);
  });
});
