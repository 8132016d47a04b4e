import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PROTOCOL_VERSION } from '@segmentchat/protocol';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, visible } from '../src/wait.ts';

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

describe('a visitor', () => {
  it('joins general, chats with a member, and cannot create channels', async () => {
    const member = await ChatPage.open(browser, server.url);
    await member.register('host');
    await member.openChannel('general');

    const visitor = await ChatPage.open(browser, server.url);
    await visitor.page.getByRole('button', { name: 'Continue as visitor' }).click();
    const account = visitor.page.getByRole('button', { name: /^Account menu for / });
    await visible(account);
    const visitorName = (await account.getAttribute('aria-label'))!.replace('Account menu for ', '');
    await eventually(() => visitor.page.getByRole('status', { name: 'Connection' }).textContent()).toBe(
      'Online',
    );
    await visible(visitor.page.getByText('Visitor', { exact: true }));

    // general is where visitors land.
    await visitor.openChannel('general');
    await visitor.send('Hello from a visitor');
    await visible(member.message(new RegExp(`^${visitorName}, .*Hello from a visitor`)));
    await member.send('Welcome, visitor!');
    await visible(visitor.message('Welcome, visitor!'));

    // No channel creation for visitors: the button is there (so it can say why) but disabled.
    const create = visitor.page.getByRole('button', { name: 'Create channel' });
    await visible(create);
    expect(await create.isDisabled()).toBe(true);
    expect(await visitor.page.getByRole('button', { name: 'Join with invite code' }).count()).toBe(0);

    // And the server refuses it too, whatever the UI shows.
    const refused = await visitor.page.evaluate(async (protocol) => {
      const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/ws');
      const reply = await new Promise<string>((resolve) => {
        const frames: string[] = [];
        ws.onmessage = (e) => {
          frames.push(String(e.data));
          const last = JSON.parse(String(e.data)) as { re?: number };
          if (last.re === 1)
            ws.send(JSON.stringify({ id: 2, type: 'channel.create', name: 'visitors-only' }));
          if (last.re === 2) resolve(String(e.data));
        };
        ws.onopen = () => ws.send(JSON.stringify({ id: 1, type: 'hello', protocol }));
      });
      ws.close();
      return JSON.parse(reply) as { ok: boolean; error?: { code: string } };
    }, PROTOCOL_VERSION);
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    // A visitor can turn into a member, in place.
    await account.click();
    await visitor.page.getByRole('menuitem', { name: 'Create an account' }).click();
    const dialog = visitor.page.getByRole('dialog', { name: 'Create your account' });
    await dialog.getByLabel('Username').fill('former-visitor');
    await dialog.getByLabel('Password').fill('now a member 123');
    await dialog.getByRole('button', { name: 'Create account' }).click();
    await visitor.expectSignedIn('former-visitor');
    await visible(visitor.page.getByText('Member', { exact: true }));
    expect(await visitor.page.getByRole('button', { name: 'Create channel' }).isDisabled()).toBe(false);

    expect(visitor.dialogs).toEqual([]);
    await visitor.close();
    await member.close();
  });
});
