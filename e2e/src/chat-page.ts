import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually, hidden, visible } from './wait.ts';

export const screenshotDir = new URL('../../docs/screenshots/', import.meta.url);

/**
 * Drives the app the way a person does, finding everything by role and accessible name, so the
 * tests check what a screen reader would announce too.
 */
export class ChatPage {
  /** Dialogs (alert/confirm) the page opened: an XSS test expects none. */
  readonly dialogs: string[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('dialog', (d) => {
      this.dialogs.push(d.message());
      void d.dismiss();
    });
  }

  static async open(
    browser: Browser,
    baseUrl: string,
    options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
  ): Promise<ChatPage> {
    const context = await browser.newContext({
      baseURL: baseUrl,
      colorScheme: options.colorScheme ?? 'light',
      viewport: options.viewport ?? { width: 1280, height: 800 },
      deviceScaleFactor: 1,
      // No transitions mid-screenshot; the app honours prefers-reduced-motion.
      reducedMotion: 'reduce',
    });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto('/');
    return new ChatPage(context, page);
  }

  async register(username: string, password = 'correct horse 42'): Promise<void> {
    await this.page.getByRole('tab', { name: 'Register' }).click();
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Create account' }).click();
    await this.expectSignedIn(username);
  }

  async login(username: string, password = 'correct horse 42'): Promise<void> {
    await this.page.getByRole('tab', { name: 'Log in' }).click();
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await this.expectSignedIn(username);
  }

  async expectSignedIn(username: string): Promise<void> {
    // On a phone the sidebar (account button, connection pill) is a closed drawer: hidden, but there.
    await this.page
      .getByRole('button', { name: `Account menu for ${username}`, includeHidden: true })
      .waitFor({ state: 'attached' });
    await eventually(() =>
      this.page.getByRole('status', { name: 'Connection', includeHidden: true }).textContent(),
    ).toBe('Online');
  }

  /** On a phone the sidebar is a drawer: open it before using what is inside. */
  async showSidebar(): Promise<void> {
    const toggle = this.page.getByRole('button', { name: 'Open navigation' });
    if (await toggle.isVisible()) {
      await toggle.click();
      await visible(this.page.getByRole('navigation', { name: 'Channels' }));
    }
  }

  channelLink(name: string): Locator {
    return this.page
      .getByRole('navigation', { name: 'Channels' })
      .getByRole('button', { name: new RegExp(`^${name}(,|$)`) });
  }

  async openChannel(name: string): Promise<void> {
    await this.showSidebar();
    await this.channelLink(name).click();
    await visible(this.page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) }));
  }

  async createChannel(
    name: string,
    options: { description?: string; private?: boolean } = {},
  ): Promise<void> {
    await this.showSidebar();
    await this.page.getByRole('button', { name: 'Create channel' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Create a channel' });
    await dialog.getByLabel('Name').fill(name);
    if (options.description) await dialog.getByLabel('Description').fill(options.description);
    if (options.private) await dialog.getByRole('radio', { name: /Private/ }).check();
    await dialog.getByRole('button', { name: 'Create channel' }).click();
    await hidden(dialog);
    await visible(this.page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) }));
  }

  async joinFromBrowse(name: string): Promise<void> {
    await this.showSidebar();
    await this.page.getByRole('button', { name: 'Browse channels' }).first().click();
    const dialog = this.page.getByRole('dialog', { name: 'Browse channels' });
    await dialog.getByRole('button', { name: `Join ${name}` }).click();
    await hidden(dialog);
    await visible(this.page.getByRole('heading', { level: 1, name: new RegExp(`^${name}`) }));
  }

  composer(): Locator {
    return this.page.getByRole('textbox', { name: /^Message / });
  }

  async send(text: string): Promise<void> {
    await this.composer().fill(text);
    await this.composer().press('Enter');
    await visible(this.message(text));
  }

  messageLog(): Locator {
    return this.page.getByRole('log', { name: /^Messages in / });
  }

  /**
   * The accessible names of every loaded message in the open channel, oldest first. The log is
   * virtualized (only rows near the viewport are in the DOM), so this scrolls it from top to
   * bottom, collecting what each position renders, and leaves it at the bottom again.
   */
  allMessageLabels(): Promise<string[]> {
    return this.messageLog().evaluate(async (el) => {
      // Two animation frames let the list render what the scroll brought into view; the timeout
      // keeps a page that is not being rendered (a background tab) from waiting forever.
      const frame = () =>
        Promise.race([
          new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
          new Promise((r) => setTimeout(r, 200)),
        ]);
      // The rows in the DOM cover the viewport: the list has handled the scroll. A loaded machine
      // can take longer than a frame or two for that, and reading before it would skip rows.
      const covered = () => {
        const view = el.getBoundingClientRect();
        const space = el.querySelector('.vlist-space')?.getBoundingClientRect();
        const rows = el.querySelectorAll('[data-key]');
        if (!space || rows.length === 0) return true;
        const first = rows[0]!.getBoundingClientRect();
        const last = rows[rows.length - 1]!.getBoundingClientRect();
        return (
          first.top <= Math.max(view.top, space.top) + 1 &&
          last.bottom >= Math.min(view.bottom, space.bottom) - 1
        );
      };
      const seen = new Set<string>();
      const labels: string[] = [];
      const step = Math.max(100, Math.floor(el.clientHeight / 2));
      for (let top = 0; ; top += step) {
        el.scrollTop = top;
        // The browser sends `scroll` when it next renders the page, which a busy machine can put
        // off for long; the list renders the rows for a position as soon as it hears of it.
        el.dispatchEvent(new Event('scroll'));
        await frame();
        for (let waited = 0; !covered(); waited++) {
          if (waited > 50) throw new Error(`the message log did not render the rows at ${top}px`);
          await frame();
        }
        // A row's key tells one row seen twice from two rows that read the same (a doubled message).
        for (const row of el.querySelectorAll('[data-key]')) {
          const key = row.getAttribute('data-key') ?? '';
          if (seen.has(key)) continue;
          seen.add(key);
          for (const article of row.querySelectorAll('article'))
            labels.push(article.getAttribute('aria-label') ?? '');
        }
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
      }
      el.scrollTop = el.scrollHeight;
      el.dispatchEvent(new Event('scroll'));
      await frame();
      return labels;
    });
  }

  /** A message article whose accessible name (author, time: text) contains `text`. */
  message(text: string | RegExp): Locator {
    const pattern = typeof text === 'string' ? new RegExp(escapeRegExp(text)) : text;
    return this.messageLog().getByRole('article', { name: pattern });
  }

  async screenshot(name: string): Promise<void> {
    await this.page.mouse.move(0, 0);
    await this.settled();
    await this.page.screenshot({ path: new URL(name, screenshotDir).pathname });
  }

  /**
   * Waits (at most 2 s) until the message list stops moving: rows are measured after they first
   * render, and a list following the newest message scrolls once more when they turn out taller
   * than estimated. A picture taken before that shows the last message half under the composer.
   */
  private async settled(): Promise<void> {
    await this.page.evaluate(async () => {
      const log = document.querySelector('[role="log"]');
      if (!log) return;
      let last = '';
      let still = 0;
      for (const until = Date.now() + 2000; Date.now() < until && still < 3;) {
        await new Promise((r) => setTimeout(r, 50));
        const now = `${log.scrollTop}/${log.scrollHeight}/${log.clientHeight}`;
        still = now === last ? still + 1 : 0;
        last = now;
      }
    });
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
