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

let channelIds: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  for (const name of ['maya', 'theo', 'priya', 'sam']) bots.push(await botUser(server.url, name));
  const [maya, theo, priya, sam] = bots as [BotUser, BotUser, BotUser, BotUser];
  const create = async (name: string, description: string, visibility: 'public' | 'private') =>
    (await maya.client.request('channel.create', { name, description, visibility })).channel.id;
  channelIds = {
    product: await create('product', 'Roadmap, releases and everything shipping next', 'public'),
    design: await create('design', 'Pixels, type and colour', 'public'),
    random: await create('random', 'Off-topic, cat pictures, lunch plans', 'public'),
    launch: await create('launch-team', 'Launch week war room', 'private'),
  };
  for (const b of [theo, priya, sam]) {
    await b.client.request('channel.join', { channelId: channelIds.product! });
    await b.client.request('channel.join', { channelId: channelIds.random! });
  }
  for (const [who, text] of CONVERSATION)
    await say(
      bots.find((b) => b.username === who)!,
      channelIds.product!,
      text,
    );
});

/** Jordan joins, is invited to the private channel, and others write where Jordan is not looking. */
async function seedJordan(app: ChatPage): Promise<void> {
  const [maya, theo, priya] = bots as [BotUser, BotUser, BotUser];
  await app.joinFromBrowse('random');
  await app.joinFromBrowse('design');
  await app.joinFromBrowse('product');
  await maya.client.request('channel.invite', { channelId: channelIds.launch!, username: 'jordan' });
  await visible(app.page.getByRole('button', { name: /^launch-team, private/ }));
  await say(theo, channelIds.random!, 'Anyone up for tacos at 12:30?');
  await say(priya, channelIds.random!, 'Always');
  await say(maya, channelIds.launch!, 'Press kit is final, embargo lifts Thursday 9:00');
  await visible(app.page.getByRole('button', { name: 'random, 2 unread' }));
  await visible(app.page.getByRole('button', { name: 'launch-team, private, 1 unread' }));
}

afterAll(async () => {
  for (const b of bots) b.client.close();
  await browser?.close();
  await server?.close();
});

async function openAsJordan(app: ChatPage, register: boolean): Promise<void> {
  if (register) {
    await app.register('jordan');
    await seedJordan(app);
  } else {
    await app.login('jordan');
  }
  await app.openChannel('product');
  await visible(app.message('ship Thursday morning'));
}

/** Someone is typing while the picture is taken, to show the indicator. */
async function priyaTypes(app: ChatPage): Promise<void> {
  // A raw request: the SDK's notifyTyping would throttle the second screenshot's notice.
  await bots[2]!.client.request('typing', { channelId: channelIds.product! });
  await visible(app.page.getByRole('status', { name: 'Typing' }).getByText('priya is typing…'));
}

describe('screenshots of a busy channel', () => {
  it('light theme (channel-light.png)', async () => {
    const app = await ChatPage.open(browser, server.url, { colorScheme: 'light' });
    await openAsJordan(app, true);
    await app.send('Catching up — the *export fix* sounds great, happy to help test it');
    await priyaTypes(app);
    await app.screenshot('channel-light.png');
    await app.close();
  });

  it('dark theme (channel-dark.png)', async () => {
    const app = await ChatPage.open(browser, server.url, { colorScheme: 'dark' });
    await openAsJordan(app, false);
    await priyaTypes(app);
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
