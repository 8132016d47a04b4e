import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ChatClient, api } from '@segmentchat/client';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let alice: ChatPage;
const others: ChatClient[] = [];
/** The students in the lecture, by name: `others` is in the order their sign-ups finished. */
let students: { client: ChatClient; channelId: string }[] = [];
/** The `channel.members` requests alice's page has sent. */
let memberRequests = 0;

const JOINERS = 24;
const LEAVERS = 6;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  alice.page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      if (typeof payload === 'string' && payload.includes('"type":"channel.members"')) memberRequests++;
    }),
  );
  await alice.register('alice');
});

afterAll(async () => {
  for (const c of others) c.close();
  await browser?.close();
  await server?.close();
});

describe('a class walking into a channel', () => {
  const dialog = () => alice.page.getByRole('dialog', { name: 'Members of lecture' });

  it('keeps the header count and the open member list live without asking again', async () => {
    await alice.createChannel('lecture');
    await alice.openChannel('lecture');
    await alice.page.getByRole('button', { name: '1 member', exact: true }).click();
    await visible(dialog().getByText('alice, online', { exact: true }));
    expect(memberRequests).toBe(1);

    // Everyone at once, as when a lecture starts.
    const joined = (students = await Promise.all(
      Array.from({ length: JOINERS }, async (_, i) => {
        const name = `student${String(i + 1).padStart(2, '0')}`;
        const { token } = await api.register(server.url, { username: name, password: 'student pass 42' });
        const client = new ChatClient({ url: server.url, token, WebSocket });
        others.push(client);
        await client.connect();
        const { channels } = await client.request('channel.list', {});
        const lecture = channels.find((c) => c.name === 'lecture')!;
        await client.request('channel.join', { channelId: lecture.id });
        return { client, channelId: lecture.id };
      }),
    ));
    const total = 1 + JOINERS;
    await visible(alice.page.getByRole('button', { name: `${total} members`, exact: true }));
    await eventually(() => dialog().locator('.member-item').count()).toBe(total);
    await visible(dialog().getByText('student24, online', { exact: true }));

    for (const { client, channelId } of joined.slice(0, LEAVERS))
      await client.request('channel.leave', { channelId });
    await visible(alice.page.getByRole('button', { name: `${total - LEAVERS} members`, exact: true }));
    await eventually(() => dialog().locator('.member-item').count()).toBe(total - LEAVERS);
    expect(await dialog().getByText('student01', { exact: false }).count()).toBe(0);
    // One request when the dialog opened; every join and leave came as an event.
    expect(memberRequests).toBe(1);
  });

  it('asks again after a reconnect, for what it may have missed', async () => {
    await alice.page.context().setOffline(true);
    await visible(alice.page.getByText(/offline/i).first());
    // Missed while offline: one more leaves (the first who stayed; by sign-up order it could
    // have been one who left already, whose leave changes nothing).
    const { client, channelId } = students[LEAVERS]!;
    await client.request('channel.leave', { channelId });
    await alice.page.context().setOffline(false);
    const left = 1 + JOINERS - LEAVERS - 1;
    await eventually(() => dialog().locator('.member-item').count()).toBe(left);
    await visible(alice.page.getByRole('button', { name: `${left} members`, exact: true }));
    expect(memberRequests).toBe(2);
  });
});
