import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { RichText } from './RichText.tsx';

const html = (text: string) => renderToStaticMarkup(<RichText text={text} />);

describe('RichText', () => {
  it('renders formatting as elements', () => {
    expect(html('*b* _i_ `c`')).toBe('<strong>b</strong> <em>i</em> <code class="rt-code">c</code>');
  });

  it('escapes markup instead of rendering it', () => {
    expect(html('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('makes safe links that open apart from the app', () => {
    expect(html('go to https://example.com/x?a=1&b=2')).toBe(
      'go to <a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer nofollow ugc">https://example.com/x?a=1&amp;b=2</a>',
    );
  });

  it('never links javascript: URLs, however written', () => {
    for (const text of ['javascript:alert(1)', ' JAVASCRIPT:alert(1)', 'java\u202Escript:alert(1)']) {
      expect(html(text)).not.toContain('<a');
    }
  });
});
