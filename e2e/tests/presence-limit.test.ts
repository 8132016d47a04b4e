import WebSocket from 'ws';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ChatClient, api } from '@segmentchat/client';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { detached, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let alice: ChatPage;
const bots: ChatClient[] = [];

beforeAll(async () => {
  // Presence is pushed in channels of at most two members; no grace, so a departure is at once.
  server = await startTestServer({ presencePushMaxMembers: 2, presenceGraceMs: 0 });
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  await alice.register('alice');
});

afterAll(async () => {
  for (const b of bots) b.close();
  await browser?.close();
  await server?.close();
});

async function connectBot(username: string): Promise<ChatClient> {
  const { token } = await api.register(server.url, { username, password: 'bot password 42' });
  const bot = new ChatClient({ url: server.url, token, WebSocket });
  bots.push(bot);
  await bot.connect();
  return bot;
}

describe('the people list when #general outgrows pushed presence', () => {
  it('stops showing someone nobody will report on, rather than keeping them online', async () => {
    const people = alice.page.getByRole('list', { name: 'People' });
    // Everyone joins #general on signing up. Two members: Bob's presence is pushed to Alice.
    const bob = await connectBot('bob');
    await visible(people.getByRole('listitem', { name: 'bob, online' }));
    // Three: large. Alice is no longer told when Bob leaves, so she stops showing him now.
    await connectBot('carol');
    await detached(people.getByRole('listitem', { name: /^bob,/ }));
    await visible(alice.page.getByText('A channel’s member list shows who is there.'));
    if (process.env.SHOT) await alice.page.screenshot({ path: process.env.SHOT });
    bob.close();
    // Still not shown as online after he went (the stale status this guards against).
    await new Promise((r) => setTimeout(r, 300));
    await detached(people.getByRole('listitem', { name: 'bob, online' }));
  });
});
