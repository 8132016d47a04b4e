import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../src/browser.ts';
import { HistoryReader } from '../src/history-reader.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { eventually, visible } from '../src/wait.ts';

/**
 * The outbox is on disk, not in the page: messages written offline survive the browser being
 * closed and started again (same profile), and go out once when the network returns.
 */
let server: TestServer;
let profile: string;
let truth: HistoryReader;
let context: BrowserContext | null = null;

beforeAll(async () => {
  server = await startTestServer();
  profile = mkdtempSync(join(tmpdir(), 'segmentchat-profile-'));
  truth = await HistoryReader.connect(server.url, 'observer');
});

afterAll(async () => {
  truth?.close();
  await context?.close();
  await server?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** Starts Chromium on the test's profile directory (cookies, IndexedDB, service worker kept). */
async function startBrowser(offline: boolean): Promise<Page> {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: await chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    baseURL: server.url,
    offline,
  });
  context.setDefaultTimeout(15_000);
  return context.pages()[0] ?? (await context.newPage());
}

const log = (page: Page) => page.getByRole('log', { name: /^Messages in / });
const article = (page: Page, text: string) => log(page).getByRole('article', { name: new RegExp(text) });
const connection = async (page: Page) =>
  (await page.getByRole('status', { name: 'Connection' }).textContent()) ?? '';

describe('installed app, offline across a browser restart', () => {
  it('keeps messages written offline through closing the browser, then sends each once', async () => {
    let page = await startBrowser(false);
    await page.goto('/');
    await page.getByRole('tab', { name: 'Register' }).click();
    await page.getByLabel('Username').fill('carol');
    await page.getByLabel('Password').fill('correct horse 42');
    await page.getByRole('button', { name: 'Create account' }).click();
    await eventually(() => connection(page)).toBe('Online');
    await visible(page.getByRole('heading', { level: 1, name: /^general/ }));
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // Chromium's own verdict: the manifest, icons and service worker make the app installable.
    const cdp = await context!.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    expect(manifest.errors).toEqual([]);
    expect((await cdp.send('Page.getInstallabilityErrors')).installabilityErrors).toEqual([]);
    await cdp.detach();

    await context!.setOffline(true);
    await eventually(() => connection(page)).toBe('Offline');
    const texts = ['written before the browser closed', 'and a second one'];
    for (const t of texts) {
      await page.getByRole('textbox', { name: /^Message / }).fill(t);
      await page.getByRole('textbox', { name: /^Message / }).press('Enter');
      await visible(article(page, `${t} \\(Waiting to send\\)`));
    }
    await context!.close();
    context = null;

    // A new browser process on the same profile, still with no network.
    page = await startBrowser(true);
    await page.goto('/');
    await visible(page.getByRole('button', { name: 'Account menu for carol' }));
    for (const t of texts) await visible(article(page, `${t} \\(Waiting to send\\)`));
    expect(await truth.texts('general')).not.toContain(texts[0]);

    await context!.setOffline(false);
    await eventually(() => connection(page)).toBe('Online');
    await eventually(async () => (await truth.texts('general')).filter((t) => texts.includes(t))).toEqual(
      texts,
    );
    for (const t of texts) await eventually(() => article(page, t).count()).toBe(1);
    await eventually(() =>
      log(page)
        .getByRole('article', { name: /Waiting to send|Sending/ })
        .count(),
    ).toBe(0);
  });
});
