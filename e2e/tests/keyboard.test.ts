import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, hidden, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const focusedName = (app: ChatPage) =>
  app.page.evaluate(() => {
    const el = document.activeElement;
    return el?.getAttribute('aria-label') ?? el?.textContent ?? '';
  });

describe('keyboard use', () => {
  it('signs in, switches channels, uses menus and dialogs, and writes multi-line messages', async () => {
    const app = await ChatPage.open(browser, server.url);
    // The username field has focus on arrival; Enter submits.
    await app.page.keyboard.press('Shift+Tab');
    await app.page.getByRole('tab', { name: 'Register' }).press('Enter');
    await app.page.getByLabel('Username').focus();
    await app.page.keyboard.type('kim');
    await app.page.keyboard.press('Tab');
    await app.page.keyboard.type('typing only 123');
    await app.page.keyboard.press('Enter');
    await app.expectSignedIn('kim');
    await app.createChannel('alpha');
    await app.openChannel('general');

    // Alt+ArrowDown / Alt+ArrowUp move between channels.
    await app.page.keyboard.press('Alt+ArrowUp');
    await visible(app.page.getByRole('heading', { level: 1, name: /^alpha/ }));
    await app.page.keyboard.press('Alt+ArrowDown');
    await visible(app.page.getByRole('heading', { level: 1, name: /^general/ }));

    // The account menu opens with ArrowDown, focuses its first item, and Escape gives focus back.
    const account = app.page.getByRole('button', { name: 'Account menu for kim' });
    await account.focus();
    await app.page.keyboard.press('ArrowDown');
    await visible(app.page.getByRole('menu', { name: 'Account menu for kim' }));
    await eventually(() => focusedName(app)).toBe('Sign out');
    await app.page.keyboard.press('Escape');
    await hidden(app.page.getByRole('menu'));
    await eventually(() => focusedName(app)).toBe('Account menu for kim');

    // Dialogs open from the keyboard and close with Escape.
    await app.page.getByRole('button', { name: 'Create channel' }).focus();
    await app.page.keyboard.press('Enter');
    const dialog = app.page.getByRole('dialog', { name: 'Create a channel' });
    await visible(dialog);
    await app.page.keyboard.press('Escape');
    await hidden(dialog);

    // Enter sends; Shift+Enter adds a line.
    await app.composer().focus();
    await app.page.keyboard.type('line one');
    await app.page.keyboard.press('Shift+Enter');
    await app.page.keyboard.type('line two');
    await app.page.keyboard.press('Enter');
    await visible(app.message(/line one\s+line two$/));
    expect(await app.message(/line two$/).innerText()).toContain('line one\nline two');
    expect(await app.composer().inputValue()).toBe('');

    // ArrowUp in the empty composer edits the last own message; Escape cancels.
    await app.page.keyboard.press('ArrowUp');
    const editor = app.page.getByRole('textbox', { name: 'Edit message' });
    await visible(editor);
    await app.page.keyboard.press('Escape');
    await hidden(editor);
    await app.close();
  });
});
