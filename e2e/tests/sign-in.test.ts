import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, visible } from '../src/wait.ts';

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

describe('sign-in screen', () => {
  it('says when to try again after too many attempts', async () => {
    const strict = await startTestServer({ limits: { login: { burst: 2, perSecond: 0.01 } } });
    try {
      const app = await ChatPage.open(browser, strict.url);
      await app.page.getByLabel('Username').fill('nobody');
      await app.page.getByLabel('Password').fill('wrong password 1');
      const login = app.page.getByRole('button', { name: 'Log in', exact: true });
      for (let i = 0; i < 3; i++) {
        await login.click();
        await visible(app.page.getByRole('alert'));
      }
      await eventually(() => app.page.getByRole('alert').textContent()).toMatch(
        /Too many attempts\. Try again in \d+ seconds?\./,
      );
      await app.close();
    } finally {
      await strict.close();
    }
  });

  it('shows register, log in and visitor choices (screenshot: sign-in.png)', async () => {
    const app = await ChatPage.open(browser, server.url);
    await visible(app.page.getByRole('heading', { name: 'Welcome back' }));
    await visible(app.page.getByRole('tab', { name: 'Log in' }));
    await visible(app.page.getByRole('tab', { name: 'Register' }));
    await visible(app.page.getByRole('button', { name: 'Continue as visitor' }));
    await app.screenshot('sign-in.png');
    await app.close();
  });

  it('registers, signs out, and logs back in', async () => {
    const app = await ChatPage.open(browser, server.url);
    await app.register('ada');
    await app.page.getByRole('button', { name: 'Account menu for ada' }).click();
    await app.page.getByRole('menuitem', { name: 'Sign out' }).click();
    await visible(app.page.getByRole('heading', { name: 'Welcome back' }));
    await app.login('ada');
    await app.close();
  });

  it('says so when the password is wrong', async () => {
    const app = await ChatPage.open(browser, server.url);
    await app.page.getByLabel('Username').fill('ada');
    await app.page.getByLabel('Password').fill('not the password');
    await app.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await eventually(() => app.page.getByRole('alert').textContent()).toContain('Wrong username or password');
    await app.close();
  });

  it('says so when the username is taken', async () => {
    const app = await ChatPage.open(browser, server.url);
    await app.page.getByRole('tab', { name: 'Register' }).click();
    await app.page.getByLabel('Username').fill('ada');
    await app.page.getByLabel('Password').fill('another password 9');
    await app.page.getByRole('button', { name: 'Create account' }).click();
    await eventually(() => app.page.getByRole('alert').textContent()).toMatch(/taken/i);
    await app.close();
  });

  it('says so when the server cannot be reached', async () => {
    const app = await ChatPage.open(browser, server.url);
    // The page is loaded; then the network fails under it.
    await app.page.route('**/api/**', (route) => route.abort('internetdisconnected'));
    await app.page.getByLabel('Username').fill('ada');
    await app.page.getByLabel('Password').fill('correct horse 42');
    await app.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await eventually(() => app.page.getByRole('alert').textContent()).toContain('Can’t reach the server');
    await app.close();
  });

  it('keeps the session across a reload', async () => {
    const app = await ChatPage.open(browser, server.url);
    await app.register('grace');
    await app.page.reload();
    await app.expectSignedIn('grace');
    expect(app.dialogs).toEqual([]);
    await app.close();
  });
});
