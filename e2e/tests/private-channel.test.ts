import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { hidden, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let owner: ChatPage;
let friend: ChatPage;
let outsider: ChatPage;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  owner = await ChatPage.open(browser, server.url);
  friend = await ChatPage.open(browser, server.url);
  outsider = await ChatPage.open(browser, server.url);
  await owner.register('olivia');
  await friend.register('frank');
  await outsider.register('oscar');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a private channel', () => {
  it('is marked private for its owner', async () => {
    await owner.createChannel('secret-plans', { description: 'Shh', private: true });
    await visible(owner.page.getByRole('button', { name: 'secret-plans, private' }));
    await owner.send('Only invited people can read this');
  });

  it('is invisible to people who were not invited', async () => {
    for (const app of [friend, outsider]) {
      expect(await app.channelLink('secret-plans').count()).toBe(0);
      await app.page.getByRole('button', { name: 'Browse channels' }).click();
      const dialog = app.page.getByRole('dialog', { name: 'Browse channels' });
      await visible(dialog.getByRole('searchbox', { name: 'Search channels' }));
      await hidden(dialog.getByText('Loading channels…'));
      expect(await dialog.getByRole('button', { name: 'Join secret-plans' }).count()).toBe(0);
      await dialog.getByRole('button', { name: 'Close' }).click();
      await hidden(dialog);
    }
  });

  it('appears live for a user invited by name, with its history', async () => {
    await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Invite people to secret-plans' });
    await dialog.getByLabel('Username').fill('frank');
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
    await visible(dialog.getByRole('status').getByText('frank was added to secret-plans.'));
    await dialog.getByRole('button', { name: 'Close' }).click();

    // No reload: the channel shows up in frank's sidebar by itself.
    await visible(friend.page.getByRole('button', { name: 'secret-plans, private, 1 unread' }));
    await friend.openChannel('secret-plans');
    await visible(friend.message('Only invited people can read this'));
    await friend.send('Thanks for the invite');
    await visible(owner.message('Thanks for the invite'));
    // Oscar still sees nothing.
    expect(await outsider.channelLink('secret-plans').count()).toBe(0);
  });

  it('can be joined with an invite code', async () => {
    await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = owner.page.getByRole('dialog', { name: 'Invite people to secret-plans' });
    await dialog.getByRole('button', { name: 'Create invite code' }).click();
    const codeBox = dialog.getByRole('textbox', { name: 'Invite code' });
    await visible(codeBox);
    const code = await codeBox.inputValue();
    expect(code.length).toBeGreaterThan(4);
    await dialog.getByRole('button', { name: 'Close' }).click();

    await outsider.page.getByRole('button', { name: 'Join with invite code' }).click();
    const join = outsider.page.getByRole('dialog', { name: 'Join with an invite code' });
    await join.getByLabel('Invite code').fill(code);
    await join.getByRole('button', { name: 'Join channel' }).click();
    await hidden(join);
    await visible(outsider.page.getByRole('heading', { level: 1, name: /^secret-plans/ }));
    await visible(outsider.message('Thanks for the invite'));
  });

  it('refuses a wrong invite code with a clear message', async () => {
    await outsider.page.getByRole('button', { name: 'Join with invite code' }).click();
    const join = outsider.page.getByRole('dialog', { name: 'Join with an invite code' });
    await join.getByLabel('Invite code').fill('not-a-real-code');
    await join.getByRole('button', { name: 'Join channel' }).click();
    await visible(join.getByRole('alert'));
    await join.getByRole('button', { name: 'Cancel' }).click();
  });
});
