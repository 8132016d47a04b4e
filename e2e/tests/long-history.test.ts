import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { botUser, seedMessages, type BotUser } from '../src/bot-user.ts';
import { visible } from '../src/wait.ts';

const COUNT = 10_000;
/** Rows rendered at once stay near one screenful plus overscan, however long the channel. */
const MAX_RENDERED = 150;

let server: TestServer;
let browser: Browser;
let bot: BotUser;

beforeAll(async () => {
  // Seeding 10,000 messages quickly needs the per-user send limit out of the way.
  server = await startTestServer({
    limits: {
      sends: { burst: 100_000, perSecond: 100_000 },
      wsRequests: { burst: 100_000, perSecond: 100_000 },
    },
  });
  browser = await launchBrowser();
  bot = await botUser(server.url, 'archivist');
  const { channel } = await bot.client.request('channel.create', { name: 'archive', visibility: 'public' });
  await seedMessages(bot, channel.id, COUNT, (i) => `Archive entry ${i + 1} of ${COUNT}`);
}, 300_000);

afterAll(async () => {
  bot?.client.close();
  await browser?.close();
  await server?.close();
});

describe('a channel with 10,000 messages', () => {
  it('renders only what is on screen and scrolls back to the very first message', async () => {
    const app = await ChatPage.open(browser, server.url);
    await app.register('reader');
    await app.joinFromBrowse('archive');
    await visible(app.message(`Archive entry ${COUNT} of ${COUNT}`));

    const log = app.messageLog();
    const intro = log.getByRole('heading', { name: 'Welcome to #archive' });
    let presses = 0;
    let maxRendered = 0;
    // Keyboard only: focus the list and press Home until the channel's beginning shows.
    await log.focus();
    while (!(await intro.isVisible())) {
      await log.press('Home');
      presses++;
      maxRendered = Math.max(maxRendered, await log.getByRole('article').count());
      expect(presses).toBeLessThan(2_000);
    }
    await visible(app.message(/: Archive entry 1 of 10000$/));
    expect(maxRendered).toBeLessThan(MAX_RENDERED);

    // Back down with End: the newest message is there again, and the DOM stayed small.
    await log.press('End');
    await visible(app.message(`Archive entry ${COUNT} of ${COUNT}`));
    expect(await log.getByRole('article').count()).toBeLessThan(MAX_RENDERED);
    await app.close();
  });
});
