import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { botUser, say, type BotUser } from '../src/bot-user.ts';
import { visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
const bots: BotUser[] = [];

// A plausible product-team conversation: formatting, links, code, grouping by author.
const CONVERSATION: [string, string][] = [
  ['maya', 'Morning all! The *release candidate* for 2.4 is up on staging'],
  ['maya', 'Changelog is here: https://example.com/releases/2.4-rc1'],
  ['theo', 'Nice. I ran the smoke tests, everything green except the export job'],
  ['theo', 'It times out on big workspaces, looks like `exportWorkspace()` loads every row at once'],
  ['priya', 'I can take that one. We should stream it in pages of _a few thousand_ rows'],
  ['maya', 'Perfect, thanks Priya. Can we still make Thursday?'],
  ['priya', 'Should be fine. I’ll open a PR today and tag @theo for review'],
  ['theo', 'Sounds good, ping me when it is up'],
  ['sam', 'Quick one: design QA found two contrast issues in dark mode, tickets are in the board'],
  ['sam', 'Both are *small* CSS changes, nothing blocking'],
  ['maya', 'Great. Let’s do a final check tomorrow at 10:00 and ship Thursday morning'],
];

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  for (const name of ['maya', 'theo', 'priya', 'sam']) bots.push(await botUser(server.url, name));
  const maya = bots[0]!;
  const { channel } = await maya.client.request('channel.create', {
    name: 'product',
    description: 'Roadmap, releases and everything shipping next',
    visibility: 'public',
  });
  for (const b of bots.slice(1)) await b.client.request('channel.join', { channelId: channel.id });
  await maya.client.request('channel.create', {
    name: 'random',
    description: 'Off-topic',
    visibility: 'public',
  });
  await maya.client.request('channel.create', { name: 'launch-team', visibility: 'private' });
  for (const [who, text] of CONVERSATION)
    await say(
      bots.find((b) => b.username === who)!,
      channel.id,
      text,
    );
});

afterAll(async () => {
  for (const b of bots) b.client.close();
  await browser?.close();
  await server?.close();
});

async function openAsJordan(app: ChatPage, register: boolean): Promise<void> {
  if (register) await app.register('jordan');
  else await app.login('jordan');
  const product = app.page
    .getByRole('navigation', { name: 'Channels', includeHidden: true })
    .getByRole('button', { name: /^product/, includeHidden: true });
  if (!(await product.count())) await app.joinFromBrowse('product');
  else await app.openChannel('product');
  await visible(app.message('ship Thursday morning'));
}

describe('screenshots of a busy channel', () => {
  it('light theme (channel-light.png)', async () => {
    const app = await ChatPage.open(browser, server.url, { colorScheme: 'light' });
    await openAsJordan(app, true);
    await app.send('Catching up — the *export fix* sounds great, happy to help test it');
    await app.screenshot('channel-light.png');
    await app.close();
  });

  it('dark theme (channel-dark.png)', async () => {
    const app = await ChatPage.open(browser, server.url, { colorScheme: 'dark' });
    await openAsJordan(app, false);
    await app.screenshot('channel-dark.png');
    await app.close();
  });

  it('phone layout with the drawer closed and open (phone.png)', async () => {
    const app = await ChatPage.open(browser, server.url, { viewport: { width: 390, height: 844 } });
    await openAsJordan(app, false);
    await app.screenshot('phone.png');
    await app.page.getByRole('button', { name: 'Open navigation' }).click();
    await visible(app.page.getByRole('navigation', { name: 'Channels' }));
    await app.screenshot('phone-drawer.png');
    await app.close();
  });
});
