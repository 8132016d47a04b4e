import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { detached, eventually, visible } from '../src/wait.ts';

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

describe('the connection banner', () => {
  it('says offline, never covers pending messages, and goes away once they are delivered', async () => {
    const writer = await ChatPage.open(browser, server.url);
    const reader = await ChatPage.open(browser, server.url);
    await writer.register('wren');
    await reader.register('reed');
    await writer.openChannel('general');
    await reader.openChannel('general');
    const connection = writer.page.getByRole('status', { name: 'Connection' });

    await writer.context.setOffline(true);
    const banner = writer.page.getByRole('alert').filter({ hasText: 'You’re offline' });
    await visible(banner);
    await eventually(() => connection.textContent()).toBe('Offline');

    await writer.composer().fill('Written on the train');
    await writer.composer().press('Enter');
    const pending = writer.message(/Written on the train \((Waiting to send|Sending…)\)$/);
    await visible(pending);
    await eventually(() => banner.textContent()).toContain('1 message will be sent when you’re back');

    // The banner sits above the list, so the pending message is fully visible below it.
    const b = (await banner.boundingBox())!;
    const m = (await pending.boundingBox())!;
    expect(m.y).toBeGreaterThanOrEqual(b.y + b.height);

    await writer.context.setOffline(false);
    await detached(banner);
    await eventually(() => connection.textContent()).toBe('Online');
    await visible(writer.message(/Written on the train$/));
    await detached(pending);
    await visible(reader.message('Written on the train'));
    await writer.close();
    await reader.close();
  });
});
