import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ChatClient, api } from '@segmentchat/client';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, hidden, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let alice: ChatPage;
let bobToken: string;
let bob: ChatClient | null = null;
let zoe: ChatClient | null = null;

const PASSWORD = 'bot password 42';

beforeAll(async () => {
  // general (everyone joins it on registering) gets four members: above the push limit of two,
  // so its members' presence reaches alice only if she watches them. No grace period, so that a
  // departure shows at once.
  server = await startTestServer({ presencePushMaxMembers: 2, presenceGraceMs: 0 });
  // Registered but not connected: offline until the test connects bob.
  bobToken = (await api.register(server.url, { username: 'bob', password: PASSWORD })).token;
  await api.register(server.url, { username: 'carol', password: PASSWORD });
  await api.register(server.url, { username: 'dave', password: PASSWORD });
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  await alice.register('alice');
});

afterAll(async () => {
  bob?.close();
  zoe?.close();
  await browser?.close();
  await server?.close();
});

describe('presence in the members dialog of a channel too large for presence to be pushed', () => {
  const members = () => alice.page.getByRole('dialog', { name: 'Members of general' });
  /** Member names with their (visually hidden) status, in the order shown. */
  const shown = () => members().locator('.member-name').allTextContents();

  it('shows a member going online and offline while the dialog is open', async () => {
    await alice.openChannel('general');
    await alice.page.getByRole('button', { name: '4 members' }).click();
    await visible(members().getByText('bob, offline', { exact: true }));

    bob = new ChatClient({ url: server.url, token: bobToken, WebSocket });
    await bob.connect();
    await visible(members().getByText('bob, online', { exact: true }));
    // Online first, then by name.
    await eventually(shown).toEqual(['alice, online', 'bob, online', 'carol, offline', 'dave, offline']);

    bob.close();
    bob = null;
    await visible(members().getByText('bob, offline', { exact: true }));
  });

  it('leaves the people list to those sharing a small channel', async () => {
    bob = new ChatClient({ url: server.url, token: bobToken, WebSocket });
    await bob.connect();
    // Online in the dialog, watched...
    await visible(members().getByText('bob, online', { exact: true }));
    await alice.page.keyboard.press('Escape');
    await hidden(members());
    // ...but the sidebar lists only pushed presence, and alice shares no small channel with bob.
    await alice.showSidebar();
    const people = alice.page.getByRole('list', { name: 'People' });
    await visible(alice.page.getByText('A channel’s member list shows who is there.'));
    expect(await people.getByRole('listitem').count()).toBe(0);
  });

  it('asks for the members scrolled into view, and only those', async () => {
    for (let i = 1; i <= 20; i++)
      await api.register(server.url, { username: `member${String(i).padStart(2, '0')}`, password: PASSWORD });
    const { token } = await api.register(server.url, { username: 'zoe', password: PASSWORD });
    await alice.page.getByRole('button', { name: /^\d+ members$/ }).click();
    // zoe, offline, sorts last: below the fold, so not asked for.
    await visible(members().getByText('member01, offline', { exact: true }));
    zoe = new ChatClient({ url: server.url, token, WebSocket });
    await zoe.connect();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await members().getByText('zoe, offline', { exact: true }).count()).toBe(1);

    const list = members().getByRole('list', { name: 'Members' });
    await list.evaluate((l) => l.scrollTo({ top: l.scrollHeight }));
    await visible(members().getByText('zoe, online', { exact: true }));
    const top = ['alice, online', 'bob, online', 'zoe, online', 'carol, offline'];
    await eventually(async () => (await shown()).slice(0, 4)).toEqual(top);
    // zoe moved up out of view; the list stays where it was scrolled to...
    expect(await list.evaluate((l) => l.scrollTop)).toBeGreaterThan(0);
    // ...and she stays known to be online. Were she forgotten once out of view, she would sort
    // back down into view, be asked for again, move up again, and so on.
    for (const until = Date.now() + 1_000; Date.now() < until;) {
      expect((await shown()).slice(0, 4)).toEqual(top);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it('shows who is online when it opens: the server says so with the list', async () => {
    await alice.page.keyboard.press('Escape');
    await hidden(members());
    await alice.page.getByRole('button', { name: /^\d+ members$/ }).click();
    await eventually(async () => (await shown()).slice(0, 3)).toEqual([
      'alice, online',
      'bob, online',
      'zoe, online',
    ]);
  });
});
