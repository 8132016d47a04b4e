import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { ChatPage, escapeRegExp } from '../src/chat-page.ts';
import { HistoryReader } from '../src/history-reader.ts';
import { startRestartableServer, type RestartableServer } from '../src/restartable-server.ts';
import { eventually, hidden, visible } from '../src/wait.ts';
import { AdminClient } from '../src/admin-client.ts';

/**
 * Offline, against the real server and the built app (so the service worker is the real one):
 * messages written with no network are kept (IndexedDB outbox), shown as pending, survive a
 * reload, and reach the server once, in order, when the network returns; a server restart
 * loses and doubles nothing; two tabs of one account send each message once; a message that
 * can never be delivered (channel deleted, user removed) is marked failed with the reason.
 */
let server: RestartableServer;
let browser: Browser;
let alice: ChatPage;
let bob: ChatPage;
let truth: HistoryReader;

beforeAll(async () => {
  server = await startRestartableServer();
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  bob = await ChatPage.open(browser, server.url);
  await alice.register('alice');
  await bob.register('bob');
  truth = await HistoryReader.connect(server.url, 'observer');
  // The app shell must be cached before the network goes away.
  await controlledByServiceWorker(alice.page);
  await controlledByServiceWorker(bob.page);
});

// A test that fails while offline must not leave the next one offline.
afterEach(async () => {
  await alice?.context.setOffline(false);
  await bob?.context.setOffline(false);
});

afterAll(async () => {
  truth?.close();
  await browser?.close();
  await server?.close();
});

async function controlledByServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Accessible names of the message articles of the open channel, top to bottom. */
function articleNames(chat: ChatPage, page: Page = chat.page): Promise<string[]> {
  return page
    .getByRole('log', { name: /^Messages in / })
    .getByRole('article')
    .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
}

/** Which of `texts` the page shows, in order, each marked with its state. */
async function shown(chat: ChatPage, texts: string[], page: Page = chat.page): Promise<string[]> {
  const names = await articleNames(chat, page);
  const out: string[] = [];
  for (const name of names) {
    const text = texts.find((t) => new RegExp(`: ${escapeRegExp(t)}( \\(|$)`).test(name));
    if (!text) continue;
    const state = / \((Waiting to send|Sending…|Failed to send)\)$/.exec(name)?.[1];
    out.push(state ? `${text} [${state === 'Sending…' ? 'Waiting to send' : state}]` : text);
  }
  return out;
}

let adminClient: Promise<AdminClient> | null = null;
function admin(): Promise<AdminClient> {
  adminClient ??= AdminClient.firstLogin(server.url);
  return adminClient;
}

/** The id of the channel open in the page (the app routes `/c/<channelId>`). */
function openChannelId(page: Page): string {
  const id = /\/c\/([^/?#]+)/.exec(new URL(page.url()).pathname)?.[1];
  if (!id) throw new Error(`no channel open at ${page.url()}`);
  return decodeURIComponent(id);
}

async function connection(page: Page): Promise<string> {
  return (await page.getByRole('status', { name: 'Connection' }).textContent()) ?? '';
}

async function sendOnPage(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: /^Message / });
  await composer.fill(text);
  await composer.press('Enter');
  await visible(
    page
      .getByRole('log', { name: /^Messages in / })
      .getByRole('article', { name: new RegExp(escapeRegExp(text)) }),
  );
}

describe('offline', () => {
  it('keeps messages written offline through a reload and delivers them once, in order', async () => {
    await alice.createChannel('offline-room');
    await bob.joinFromBrowse('offline-room');
    await alice.send('before the tunnel');
    await visible(bob.message('before the tunnel'));
    const members = alice.page.getByRole('dialog', { name: 'Members of offline-room' });
    await alice.page.getByRole('button', { name: /^\d+ members?$/ }).click();
    await visible(members.getByRole('listitem').filter({ hasText: 'bob' }));
    await alice.page.keyboard.press('Escape');
    await hidden(members);

    await alice.context.setOffline(true);
    await eventually(() => connection(alice.page)).toBe('Offline');
    const texts = ['offline one', 'offline two', 'offline three'];
    for (const t of texts) await alice.send(t);
    expect(await shown(alice, texts)).toEqual(texts.map((t) => `${t} [Waiting to send]`));

    // A reload with no network: the service worker serves the app, IndexedDB the rest.
    await alice.page.reload();
    await visible(alice.page.getByRole('button', { name: 'Account menu for alice' }));
    await visible(alice.page.getByRole('heading', { level: 1, name: /^offline-room/ }));
    await visible(alice.message('before the tunnel'));
    await eventually(() => shown(alice, texts)).toEqual(texts.map((t) => `${t} [Waiting to send]`));
    // People and members as last seen, since nobody can say who is online now.
    await visible(
      alice.page.getByRole('list', { name: 'People' }).getByRole('listitem', { name: 'bob, offline' }),
    );
    await alice.page.getByRole('button', { name: /^\d+ members?$/ }).click();
    await visible(members.getByText('You’re offline: members as last seen.'));
    await visible(members.getByRole('listitem').filter({ hasText: 'bob' }));
    await alice.page.keyboard.press('Escape');
    await hidden(members);
    expect(await shown(bob, texts)).toEqual([]);

    await alice.context.setOffline(false);
    await eventually(() => connection(alice.page)).toBe('Online');
    await eventually(() => shown(alice, texts)).toEqual(texts);
    await eventually(() => shown(bob, texts)).toEqual(texts);
    expect(await truth.texts('offline-room')).toEqual(['before the tunnel', ...texts]);
    // After a reload online, the server's copies replace the pending ones (still once each).
    await bob.page.reload();
    await eventually(() => shown(bob, texts)).toEqual(texts);
  });

  it('loses and doubles nothing when the server restarts under connected clients', async () => {
    await alice.createChannel('restart-room');
    await bob.joinFromBrowse('restart-room');
    await alice.send('before restart');
    await visible(bob.message('before restart'));

    await server.stop();
    await eventually(() => connection(alice.page)).toMatch(/Reconnecting|Offline/);
    await alice.send('during restart 1');
    await bob.send('bob during restart');
    // A reload with the server gone: only the service worker can answer.
    await alice.page.reload();
    await visible(alice.page.getByRole('heading', { level: 1, name: /^restart-room/ }));
    await alice.send('during restart 2');
    expect(await shown(alice, ['during restart 1', 'during restart 2'])).toEqual([
      'during restart 1 [Waiting to send]',
      'during restart 2 [Waiting to send]',
    ]);

    await server.start();
    const all = ['before restart', 'during restart 1', 'bob during restart', 'during restart 2'];
    await eventually(() => connection(alice.page)).toBe('Online');
    await eventually(() => connection(bob.page)).toBe('Online');
    await eventually(async () => (await truth.texts('restart-room')).sort()).toEqual([...all].sort());
    const stored = await truth.texts('restart-room');
    // Alice's two went out in the order she wrote them.
    expect(stored.indexOf('during restart 1')).toBeLessThan(stored.indexOf('during restart 2'));
    await eventually(() => shown(alice, all)).toEqual(stored);
    await eventually(() => shown(bob, all)).toEqual(stored);
  });

  it('sends each message of two offline tabs of one user once, and both tabs show each once', async () => {
    await alice.createChannel('tabs-room');
    const second = await alice.context.newPage();
    await second.goto('/');
    await visible(second.getByRole('button', { name: 'Account menu for alice' }));
    await second
      .getByRole('navigation', { name: 'Channels' })
      .getByRole('button', { name: /^tabs-room(,|$)/ })
      .click();
    await visible(second.getByRole('heading', { level: 1, name: /^tabs-room/ }));
    await eventually(() => connection(second)).toBe('Online');

    await alice.context.setOffline(true);
    await eventually(() => connection(alice.page)).toBe('Offline');
    await eventually(() => connection(second)).toBe('Offline');
    await alice.send('tab one first');
    await alice.send('tab one second');
    await sendOnPage(second, 'tab two');
    const texts = ['tab one first', 'tab one second', 'tab two'];
    // The outbox is shared: each tab shows the other's pending messages too.
    const pending = texts.map((t) => `${t} [Waiting to send]`);
    await eventually(() => shown(alice, texts)).toEqual(pending);
    await eventually(() => shown(alice, texts, second)).toEqual(pending);

    await alice.context.setOffline(false);
    await eventually(() => truth.texts('tabs-room')).toEqual(texts);
    await eventually(() => shown(alice, texts)).toEqual(texts);
    await eventually(() => shown(alice, texts, second)).toEqual(texts);
    expect(await truth.texts('tabs-room')).toEqual(texts);
    await second.close();
  });

  it('brings what others wrote meanwhile, once each, with the right unread count', async () => {
    // A channel no browser hosts: Bob, offline, must get nothing until he reconnects.
    await truth.createChannel('news');
    await alice.joinFromBrowse('news');
    await bob.joinFromBrowse('news');
    // Bob has read up to here: what follows is new to him.
    await alice.send('news zero');
    await visible(bob.message('news zero'));
    await bob.openChannel('offline-room');
    await bob.context.setOffline(true);
    await eventually(() => connection(bob.page)).toBe('Offline');
    const texts = ['news one', 'news two', 'news three'];
    for (const t of texts) await alice.send(t);
    await eventually(() => truth.texts('news')).toEqual(['news zero', ...texts]);

    // Offline, Bob's app opens from its cache and knows of nothing new yet.
    await bob.page.reload();
    await visible(bob.channelLink('news'));
    expect(await bob.channelLink('news').getAttribute('aria-label')).toBe('news');
    await bob.context.setOffline(false);
    await visible(bob.page.getByRole('button', { name: 'news, 3 unread' }));
    await bob.openChannel('news');
    await eventually(() => shown(bob, texts)).toEqual(texts);
    await visible(bob.page.getByRole('separator', { name: 'New messages' }));
  });

  it('marks a message written offline to a channel deleted meanwhile as failed, with the reason', async () => {
    await alice.createChannel('doomed');
    const channelId = openChannelId(alice.page);
    await alice.send('before the end');
    await alice.context.setOffline(true);
    await eventually(() => connection(alice.page)).toBe('Offline');
    await alice.send('into the void');
    await (await admin()).deleteChannel(channelId);

    await alice.context.setOffline(false);
    await eventually(() => connection(alice.page)).toBe('Online');
    const panel = alice.page.getByRole('region', { name: 'Undelivered messages' });
    const failed = panel.getByRole('article', { name: /into the void \(Failed to send\)$/ });
    await visible(failed);
    expect(await failed.textContent()).toContain('Failed to send: No such channel');
    // Kept (not silently dropped) across a reload, until the user discards it.
    await alice.page.reload();
    await visible(failed);
    await failed.getByRole('button', { name: 'Discard' }).click();
    await hidden(panel);
  });

  it('marks a message written offline to a channel the user was removed from as failed', async () => {
    await bob.createChannel('inner-circle', { private: true });
    const channelId = openChannelId(bob.page);
    await (await admin()).addMember(channelId, 'alice');
    await alice.openChannel('inner-circle');
    await alice.context.setOffline(true);
    await eventually(() => connection(alice.page)).toBe('Offline');
    await alice.send('am I still in?');
    await (await admin()).removeMember(channelId, 'alice');

    await alice.context.setOffline(false);
    await eventually(() => connection(alice.page)).toBe('Online');
    const failed = alice.page
      .getByRole('region', { name: 'Undelivered messages' })
      .getByRole('article', { name: /am I still in\? \(Failed to send\)$/ });
    await visible(failed);
    expect(await failed.textContent()).toMatch(/Failed to send: \S/);
    await visible(bob.page.getByRole('heading', { level: 1, name: /^inner-circle/ }));
    expect(await bob.page.getByText('am I still in?').count()).toBe(0);
  });
});
