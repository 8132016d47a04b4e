import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '@segmentchat/protocol';
import type { Browser, WebSocketRoute } from 'playwright-core';
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

  it('asks for a reload when the server was updated to another protocol, and the reload sends what waited', async () => {
    const user = await ChatPage.open(browser, server.url);
    // The app's sockets pass through to the server until it "updates": then the live one drops,
    // and each new one is refused at hello as a server of another protocol version refuses it,
    // until the page is reloaded.
    let updated = false;
    const live: WebSocketRoute[] = [];
    await user.page.routeWebSocket(/\/ws$/, (ws) => {
      if (!updated) {
        live.push(ws);
        ws.connectToServer();
        return;
      }
      ws.onMessage(() =>
        ws.close({ code: CloseCode.PROTOCOL_VERSION, reason: 'This server speaks protocol 99' }),
      );
    });
    await user.register('upton');
    await user.openChannel('general');
    await user.context.setOffline(true);
    await visible(user.page.getByRole('alert').filter({ hasText: 'You’re offline' }));
    await user.composer().fill('Written before the update');
    await user.composer().press('Enter');
    await visible(user.message(/Written before the update \((Waiting to send|Sending…)\)$/));
    updated = true;
    for (const ws of live) await ws.close({ code: 1012, reason: 'Restarting' });
    await user.context.setOffline(false);

    const banner = user.page.getByRole('alert').filter({ hasText: 'SegmentChat was updated' });
    await visible(banner);
    expect(await banner.textContent()).toContain('1 message will be sent then');
    if (process.env.SHOT) await user.page.screenshot({ path: process.env.SHOT });

    updated = false;
    await banner.getByRole('button', { name: 'Reload' }).click();
    await visible(user.message(/Written before the update$/));
    await eventually(() => user.page.getByRole('status', { name: 'Connection' }).textContent()).toBe(
      'Online',
    );
    await detached(user.page.getByRole('alert'));
    await user.close();
  });
});
