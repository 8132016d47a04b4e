import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let mallory: ChatPage;
let victim: ChatPage;

/** Each payload would run script, load something, or disguise text if it were treated as HTML. */
const PAYLOADS = [
  '<script>window.__xss = 1; alert("script")</script>',
  '<img src=x onerror="window.__xss = 2; alert(\'img\')">',
  '<svg onload=alert("svg")><circle r=10 /></svg>',
  '<a href="javascript:alert(\'anchor\')">click me</a>',
  'javascript:alert("bare")',
  'JaVaScRiPt:alert("mixed case") and data:text/html,<script>alert(1)</script>',
  '[markdown](javascript:alert("md"))',
  '"><iframe src="javascript:alert(\'frame\')"></iframe>',
  'https://example.com/"onmouseover="alert(\'attr\')" x="',
  '<div style="position:fixed;inset:0" onclick="alert(\'div\')">overlay</div>',
  '*<b onmouseover=alert("bold")>bold</b>* and `<script>alert("code")</script>`',
  'invoice\u202Egnp.exe and \u2066isolated\u2069 and \u202Dforced\u202C',
];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  mallory = await ChatPage.open(browser, server.url);
  victim = await ChatPage.open(browser, server.url);
  await mallory.register('mallory');
  await victim.register('victor');
  await mallory.createChannel('payloads', { description: '<img src=x onerror=alert("description")>' });
  await victim.joinFromBrowse('payloads');
  for (const text of PAYLOADS) {
    await mallory.composer().fill(text);
    await mallory.composer().press('Enter');
  }
  // The last payload, as the receiver sees it (bidi controls removed), marks that all arrived.
  await visible(victim.message('invoicegnp.exe and isolated and forced'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('an XSS payload set renders inert', () => {
  for (const who of ['sender', 'receiver'] as const) {
    it(`for the ${who}`, async () => {
      const app = who === 'sender' ? mallory : victim;
      const log = app.messageLog();
      // Hover every message (mouse-over handlers) and click every link-looking thing.
      for (const article of await log.getByRole('article').all()) await article.hover();

      const report = await log.evaluate((root) => {
        const all = Array.from(root.querySelectorAll('*'));
        return {
          xss: (window as unknown as { __xss?: number }).__xss ?? null,
          dangerous: all.filter((el) =>
            ['SCRIPT', 'IFRAME', 'IMG', 'OBJECT', 'EMBED', 'FORM'].includes(el.tagName),
          ).length,
          eventAttributes: all.flatMap((el) =>
            Array.from(el.attributes).filter((a) => a.name.startsWith('on')),
          ).length,
          styleAttributesFromText: all.filter((el) => el.closest('[dir="auto"]') && el.hasAttribute('style'))
            .length,
          hrefs: Array.from(root.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? ''),
          bidi: /[\u202A-\u202E\u2066-\u2069]/.test(root.textContent ?? ''),
          text: root.textContent ?? '',
        };
      });
      expect(report.xss).toBeNull();
      expect(report.dangerous).toBe(0);
      expect(report.eventAttributes).toBe(0);
      expect(report.styleAttributesFromText).toBe(0);
      expect(report.bidi).toBe(false);
      for (const href of report.hrefs) expect(href).toMatch(/^https?:\/\//);
      // Only the real http(s) link is a link, and it stops at the quote.
      expect(report.hrefs).toEqual(['https://example.com/']);
      // The payloads show as the text that was typed.
      expect(report.text).toContain('<script>window.__xss = 1; alert("script")</script>');
      expect(report.text).toContain('<a href="javascript:alert(\'anchor\')">click me</a>');

      // The channel description is shown as text too.
      await visible(app.page.getByText('<img src=x onerror=alert("description")>', { exact: true }));

      for (const link of await log.getByRole('link').all()) {
        expect(await link.getAttribute('rel')).toContain('noopener');
      }
      expect(app.dialogs).toEqual([]);
    });
  }
});
