import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { detached, eventually, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let alice: ChatPage;
let bob: ChatPage;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  bob = await ChatPage.open(browser, server.url);
  await alice.register('alice');
  await bob.register('bob');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('two users in two browser contexts', () => {
  it('see each other online in the people list', async () => {
    await visible(
      alice.page.getByRole('list', { name: 'People' }).getByRole('listitem', { name: 'bob, online' }),
    );
    await visible(
      bob.page.getByRole('list', { name: 'People' }).getByRole('listitem', { name: 'alice, online' }),
    );
  });

  it('create a public channel that the other joins from Browse channels', async () => {
    await alice.createChannel('design', { description: 'Pixels, type and colour' });
    await visible(alice.page.getByText('Pixels, type and colour').first());
    await bob.joinFromBrowse('design');
    await eventually(() => alice.page.getByRole('button', { name: /^\d+ members?$/ }).textContent()).toBe(
      '2',
    );
  });

  it('exchange messages both ways', async () => {
    await alice.send('Hi Bob, welcome to *design*!');
    await visible(bob.message('Hi Bob, welcome to *design*!'));
    // The formatting renders as a strong element, not as literal stars.
    await visible(bob.message('welcome to').getByText('design', { exact: true }));
    await bob.send('Thanks Alice _glad_ to be here');
    await visible(alice.message('Thanks Alice _glad_ to be here'));
  });

  it('show who is typing', async () => {
    // Typing notices are throttled to one per 3 s, so type for a while, as a person would.
    const typing = bob.composer().pressSequentially('I am writing something long', { delay: 200 });
    await eventually(() => alice.page.getByRole('status', { name: 'Typing' }).textContent()).toContain(
      'bob is typing',
    );
    await typing;
    await bob.composer().fill('');
  });

  it('show an edit to the other user', async () => {
    await alice.send('The meeting is at 3pm');
    await visible(bob.message('The meeting is at 3pm'));
    const mine = alice.message('The meeting is at 3pm');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('The meeting is at 4pm');
    await editor.press('Enter');
    await visible(bob.message(/The meeting is at 4pm \(edited\)/));
    await detached(bob.message('The meeting is at 3pm'));
  });

  it('show a delete to the other user', async () => {
    await bob.send('Oops, wrong channel');
    await visible(alice.message('Oops, wrong channel'));
    const mine = bob.message('Oops, wrong channel');
    await mine.hover();
    await mine.getByRole('button', { name: 'Delete message' }).click();
    const confirm = bob.page.getByRole('dialog', { name: 'Delete message?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await detached(alice.message('Oops, wrong channel'));
    await visible(alice.message('This message was deleted.'));
  });

  it('count unread messages in channels not open', async () => {
    await bob.openChannel('general');
    await alice.send('Unread one');
    await alice.send('Unread two');
    await visible(bob.page.getByRole('button', { name: 'design, 2 unread' }));
    await bob.openChannel('design');
    await visible(bob.page.getByRole('separator', { name: 'New messages' }));
    await visible(bob.channelLink('design'));
    expect(await bob.channelLink('design').getAttribute('aria-label')).toBe('design');
  });

  it('show who is online to someone who joins a channel they share with nobody else', async () => {
    // Carol leaves general and reloads: her hello knows nobody, so only the join can tell her.
    const carol = await ChatPage.open(browser, server.url);
    await carol.register('carol');
    await carol.page.getByRole('button', { name: 'Channel options' }).click();
    await carol.page.getByRole('menuitem', { name: 'Leave channel' }).click();
    await detached(carol.page.getByRole('heading', { level: 1, name: /^general/ }));
    await carol.page.reload();
    await visible(carol.page.getByRole('button', { name: 'Account menu for carol' }));
    await carol.joinFromBrowse('design');
    await carol.page.getByRole('button', { name: /^\d+ members?$/ }).click();
    const members = carol.page.getByRole('dialog', { name: 'Members of design' });
    await visible(members.getByRole('listitem').filter({ hasText: 'alice' }).locator('.presence-online'));
    await carol.screenshot('members-after-join.png');
    await carol.page.keyboard.press('Escape');
    expect(carol.dialogs).toEqual([]);
    await carol.close();
  });

  it('no page opened a dialog', () => {
    expect(alice.dialogs).toEqual([]);
    expect(bob.dialogs).toEqual([]);
  });
});
