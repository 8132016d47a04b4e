import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { ChatPage, escapeRegExp, screenshotDir } from '../src/chat-page.ts';
import { HistoryReader } from '../src/history-reader.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { startSupervisedServer, type SupervisedServer } from '../src/supervised-server.ts';
import { WAIT_MS, detached, eventually, hidden, visible } from '../src/wait.ts';

const ADMIN_PASSWORD = 'panel root passphrase';
const RESTART_WAIT_MS = WAIT_MS * 3;

/** The admin panel in its own browser context, driven by roles and names. */
class AdminPanel {
  private constructor(readonly page: Page) {}

  static async open(
    browser: Browser,
    baseUrl: string,
    viewport = { width: 1280, height: 800 },
  ): Promise<AdminPanel> {
    const context = await browser.newContext({ baseURL: baseUrl, viewport, colorScheme: 'light' });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    await page.goto('/admin');
    return new AdminPanel(page);
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.page.getByLabel('Username').fill(username);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async section(name: 'Users' | 'Channels' | 'Server' | 'Audit log'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name }).click();
    await visible(this.page.getByRole('heading', { level: 1, name }));
  }

  row(table: 'Users' | 'Channels', name: string) {
    return this.page.getByRole('table', { name: table }).getByRole('row', { name, exact: true });
  }

  async rowAction(table: 'Users' | 'Channels', name: string, action: string): Promise<void> {
    await this.row(table, name)
      .getByRole('button', { name: `Actions for ${name}` })
      .click();
    await this.page.getByRole('menuitem', { name: action }).click();
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

describe('the admin panel', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: AdminPanel;

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
    admin = await AdminPanel.open(browser, server.url);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('first login with admin/admin must set a new password, and `admin` is refused', async () => {
    await admin.signIn('admin', 'admin');
    await visible(admin.page.getByRole('heading', { level: 1, name: 'Set a new password' }));
    await admin.page.getByLabel('Current password').fill('admin');
    await admin.page.getByLabel('New password', { exact: true }).fill('adminadmin');
    await admin.page.getByLabel('Confirm new password').fill('adminadmin');
    await admin.page.getByRole('button', { name: 'Save new password' }).click();
    await eventually(() => admin.page.getByRole('alert').textContent()).toMatch(/common/);
    // The server refuses everything else meanwhile, whatever the page does.
    const status = await admin.page.evaluate(async () => (await fetch('/api/admin/users')).status);
    expect(status).toBe(403);
    await admin.page.getByLabel('New password', { exact: true }).fill(ADMIN_PASSWORD);
    await admin.page.getByLabel('Confirm new password').fill(ADMIN_PASSWORD);
    await admin.page.getByRole('button', { name: 'Save new password' }).click();
    await visible(admin.page.getByRole('heading', { level: 1, name: 'Users' }));
    await visible(admin.row('Users', 'admin'));
  });

  it('disabling a user who is online signs their tab out at once', async () => {
    const bob = await ChatPage.open(browser, server.url);
    await bob.register('bob');
    await bob.send('Hello from bob');
    await admin.section('Users');
    await admin.page.getByRole('searchbox', { name: 'Search users' }).fill('bob');
    await visible(admin.row('Users', 'bob'));
    await eventually(() => admin.row('Users', 'bob').textContent()).toContain('Online');
    await admin.rowAction('Users', 'bob', 'Disable');
    const confirm = admin.page.getByRole('dialog', { name: 'Disable bob?' });
    await confirm.getByRole('button', { name: 'Disable' }).click();
    await hidden(confirm);
    await visible(bob.page.getByText('You were signed out'));
    await visible(bob.page.getByRole('tab', { name: 'Log in' }));
    await eventually(() => admin.row('Users', 'bob').textContent()).toContain('Disabled');
    // And bob cannot come back until enabled.
    await bob.page.getByRole('tab', { name: 'Log in' }).click();
    await bob.page.getByLabel('Username').fill('bob');
    await bob.page.getByLabel('Password').fill('correct horse 42');
    await bob.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await visible(bob.page.getByRole('alert'));
    await admin.rowAction('Users', 'bob', 'Enable');
    await bob.page.getByRole('button', { name: 'Log in', exact: true }).click();
    await bob.expectSignedIn('bob');
    await bob.close();
  });

  it('deleting a channel while its members watch removes it from their screens', async () => {
    const alice = await ChatPage.open(browser, server.url);
    const carol = await ChatPage.open(browser, server.url);
    await alice.register('alice');
    await carol.register('carol');
    await alice.createChannel('doomed', { description: 'Not for long' });
    await carol.joinFromBrowse('doomed');
    await alice.send('Anyone here?');
    await visible(carol.message('Anyone here?'));

    await admin.section('Channels');
    await visible(admin.row('Channels', 'doomed'));
    await admin.rowAction('Channels', 'doomed', 'Members');
    const members = admin.page.getByRole('dialog', { name: 'Members of #doomed' });
    await visible(members.getByRole('listitem', { name: 'carol' }));
    await members.getByRole('button', { name: 'Done' }).click();
    await hidden(members);

    await admin.rowAction('Channels', 'doomed', 'Delete');
    const confirm = admin.page.getByRole('dialog', { name: 'Delete #doomed?' });
    await confirm.getByRole('button', { name: 'Delete channel' }).click();
    await hidden(confirm);
    await detached(alice.channelLink('doomed'));
    await detached(carol.channelLink('doomed'));
    await detached(carol.message('Anyone here?'));
    await detached(admin.row('Channels', 'doomed'));
    await alice.close();
    await carol.close();
  });

  it('shows every action in the audit log, and looks finished on desktop and phone', async () => {
    await admin.section('Audit log');
    const log = admin.page.getByRole('table', { name: 'Audit log' });
    await visible(log.getByRole('row', { name: /Deleted channel.*#doomed/ }));
    await visible(log.getByRole('row', { name: /Disabled user.*@bob/ }));
    await visible(log.getByRole('row', { name: /Enabled user.*@bob/ }));

    await admin.section('Users');
    await admin.page.getByRole('searchbox', { name: 'Search users' }).fill('');
    await visible(admin.row('Users', 'carol'));
    await admin.page.screenshot({ path: new URL('admin.png', screenshotDir).pathname });
    await admin.section('Server');
    await eventually(() => admin.page.getByRole('definition').first().textContent()).toMatch(/\d/);
    await admin.page.screenshot({ path: new URL('admin-server.png', screenshotDir).pathname });

    const phone = await AdminPanel.open(browser, server.url, { width: 390, height: 844 });
    await phone.signIn('admin', ADMIN_PASSWORD);
    await visible(phone.row('Users', 'carol'));
    await phone.page.screenshot({ path: new URL('admin-phone.png', screenshotDir).pathname });
    // On a phone every row still has its actions and nothing scrolls sideways.
    await visible(phone.row('Users', 'carol').getByRole('button', { name: 'Actions for carol' }));
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.close();
  });
});

describe('a restart from the admin panel', () => {
  let server: SupervisedServer;
  let browser: Browser;
  let truth: HistoryReader;

  beforeAll(async () => {
    server = await startSupervisedServer({ SEGMENTCHAT_ADMIN_PASSWORD: ADMIN_PASSWORD });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    truth?.close();
    await browser?.close();
    await server?.close();
  });

  /** How many times `text` shows in the open channel, and whether any copy is still pending. */
  async function copies(chat: ChatPage, text: string): Promise<string> {
    const names = await chat
      .messageLog()
      .getByRole('article')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    const mine = names.filter((n) => new RegExp(`: ${escapeRegExp(text)}( \\(|$)`).test(n));
    const pending = mine.some((n) => / \((Waiting to send|Sending…|Failed to send)\)$/.test(n));
    return `${mine.length}${pending ? ' pending' : ''}`;
  }

  it('two clients keep chatting through it and nothing is lost or doubled', async () => {
    const dave = await ChatPage.open(browser, server.url);
    const erin = await ChatPage.open(browser, server.url);
    await dave.register('dave');
    await erin.register('erin');
    truth = await HistoryReader.connect(server.url, 'observer');
    await dave.send('before the restart');
    await visible(erin.message('before the restart'));

    const panel = await AdminPanel.open(browser, server.url);
    await panel.signIn('admin', ADMIN_PASSWORD);
    await panel.section('Server');
    await eventually(() => panel.page.getByRole('status', { name: 'Server state' }).textContent()).toContain(
      'Running',
    );
    await panel.page.getByRole('button', { name: 'Restart server' }).click();
    const dialog = panel.page.getByRole('dialog', { name: 'Restart the server?' });
    await dialog.getByLabel('Your password').fill('not the password');
    await dialog.getByRole('button', { name: 'Restart now' }).click();
    await eventually(() => dialog.getByRole('alert').textContent()).toMatch(/not your password/);
    await dialog.getByLabel('Your password').fill(ADMIN_PASSWORD);

    // Both keep writing before, while the server is down, and after it is back.
    const texts: string[] = [];
    const write = async (chat: ChatPage, who: string, from: number, to: number) => {
      for (let i = from; i <= to; i++) {
        const text = `${who} says ${i}`;
        texts.push(text);
        await chat.composer().fill(text);
        await chat.composer().press('Enter');
      }
    };
    const early = Promise.all([write(dave, 'dave', 1, 3), write(erin, 'erin', 1, 3)]);
    await dialog.getByRole('button', { name: 'Restart now' }).click();
    await early;
    await eventually(() => dave.page.getByRole('status', { name: 'Connection' }).textContent()).toMatch(
      /Reconnecting|Offline|Connecting/,
    );
    await Promise.all([write(dave, 'dave', 4, 6), write(erin, 'erin', 4, 6)]);
    // A restart closes every socket, ends the process and starts a new one: on a CI machine busy
    // with the other suites that once took longer than the usual bound.
    await eventually(
      () => panel.page.getByRole('status').filter({ hasText: 'back online' }).count(),
      RESTART_WAIT_MS,
    )
      .toBe(1)
      .catch((e: unknown) => {
        throw new Error(`the panel never said the server is back; server output:\n${server.output()}`, {
          cause: e,
        });
      });
    await eventually(() => dave.page.getByRole('status', { name: 'Connection' }).textContent()).toBe(
      'Online',
    );
    await eventually(() => erin.page.getByRole('status', { name: 'Connection' }).textContent()).toBe(
      'Online',
    );
    await dave.send('after the restart');
    texts.push('after the restart', 'before the restart');

    const expected = [...texts].sort();
    await eventually(async () => (await truth.texts('general')).sort()).toEqual(expected);
    for (const chat of [dave, erin]) {
      for (const text of texts) await eventually(() => copies(chat, text)).toBe('1');
    }
    expect(server.output()).toContain('Server asked for a restart; starting it again.');
    // Each writer's messages are stored in the order written.
    const stored = await truth.texts('general');
    for (const who of ['dave', 'erin']) {
      const mine = stored.filter((t) => t.startsWith(`${who} says`));
      expect(mine).toEqual([1, 2, 3, 4, 5, 6].map((i) => `${who} says ${i}`));
    }
    await panel.close();
    await dave.close();
    await erin.close();
  });
});
