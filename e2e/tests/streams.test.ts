import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Browser, Locator } from 'playwright-core';
import { ChatClient, ChatError, api } from '@segmentchat/client';
import { launchBrowser } from '../src/browser.ts';
import { ChatPage } from '../src/chat-page.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { eventually, hidden, visible } from '../src/wait.ts';

const PASSWORD = 'correct horse 42';

let server: TestServer;
let browser: Browser;
let streamer: ChatPage;
let direct: ChatPage;
let relayed: ChatPage;
let outsider: ChatPage;
const tokens: Record<string, string> = {};

async function signUp(page: ChatPage, username: string): Promise<void> {
  tokens[username] = (await api.register(server.url, { username, password: PASSWORD })).token;
  await page.login(username, PASSWORD);
}

async function nodeClient(username: string): Promise<ChatClient> {
  const client = new ChatClient({ url: server.url, token: tokens[username]!, WebSocket });
  await client.connect();
  return client;
}

/** The video has a picture and new frames keep being presented (not a frozen first frame). */
async function playsVideo(video: Locator): Promise<void> {
  await eventually(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth > 0)).toBe(true);
  const frames = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve, reject) => {
        // Counted by presented frames, not currentTime: a WebRTC track's clock can step back a
        // few ms when its jitter buffer resets, while new frames keep arriving.
        let n = 0;
        let first = -1;
        const onFrame = (_now: number, meta: VideoFrameCallbackMetadata) => {
          if (first < 0) first = meta.presentedFrames;
          if (++n >= 3) resolve(meta.presentedFrames - first);
          else v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
        setTimeout(() => reject(new Error(`only ${n} new frames in 30 s`)), 30_000);
      }),
  );
  expect(frames).toBeGreaterThan(0);
  expect(await video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
}

function player(page: ChatPage): Locator {
  return page.page.getByRole('dialog', { name: 'stella’s stream' });
}

beforeAll(async () => {
  // Direct limit 1: the first viewer gets the streamer's browser, the second the server relay.
  server = await startTestServer({ streamDirectMax: 1 });
  browser = await launchBrowser();
  [streamer, direct, relayed, outsider] = await Promise.all([
    ChatPage.open(browser, server.url),
    ChatPage.open(browser, server.url),
    ChatPage.open(browser, server.url),
    ChatPage.open(browser, server.url),
  ]);
  await signUp(streamer, 'stella');
  await signUp(direct, 'dirk');
  await signUp(relayed, 'rhea');
  await signUp(outsider, 'otto');
  await streamer.createChannel('studio', { private: true });
  const owner = await nodeClient('stella');
  const studio = owner.channels().find((c) => c.name === 'studio')!;
  for (const username of ['dirk', 'rhea'])
    await owner.request('channel.invite', { channelId: studio.id, username });
  owner.close();
  for (const page of [direct, relayed]) await page.openChannel('studio');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a live stream in a private channel', () => {
  it('goes live after a camera preview, with a LIVE badge and a message for members', async () => {
    const page = streamer.page;
    await page.getByRole('button', { name: 'Start stream' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start a stream in studio' });
    await playsVideo(dialog.getByLabel('Camera preview'));
    await visible(dialog.getByLabel('Camera'));
    await dialog.getByRole('button', { name: 'Mute' }).click();
    await visible(dialog.getByRole('button', { name: 'Unmute', pressed: true }));
    await dialog.getByRole('button', { name: 'Unmute' }).click();
    await dialog.getByRole('button', { name: 'Go live' }).click();
    const live = page.getByRole('dialog', { name: 'Live in studio' });
    await visible(live.getByRole('button', { name: 'Stop stream' }));
    await live.getByRole('button', { name: 'Close' }).click();
    await hidden(live);
    for (const p of [direct, relayed]) {
      await visible(p.page.getByRole('status', { name: 'Live: stella is streaming' }));
      await visible(p.message('stella started a live stream'));
      await visible(
        p.channelLink('studio').and(p.page.getByRole('button', { name: /^studio, private, live/ })),
      );
    }
  });

  it('plays for a viewer over a direct link and for a second one through the relay', async () => {
    await direct.page.getByRole('button', { name: 'View stream' }).click();
    await playsVideo(player(direct).getByLabel('Live stream from stella'));
    await visible(player(direct).getByText('Direct from the streamer'));

    await relayed.page.getByRole('button', { name: 'View stream' }).click();
    await playsVideo(player(relayed).getByLabel('Live stream from stella'));
    await visible(player(relayed).getByText('Through the server relay'));
    // The direct viewer still plays while the relay serves the other one.
    await playsVideo(player(direct).getByLabel('Live stream from stella'));
  });

  it('shows the right viewer count to the streamer and viewers, also after leaving and coming back', async () => {
    await visible(streamer.page.getByRole('button', { name: 'You’re live · 2 viewers' }));
    await eventually(() => player(relayed).getByRole('status', { name: 'Viewers' }).textContent()).toContain(
      '2 viewers',
    );
    await relayed.screenshot('stream.png');
    await player(direct).getByRole('button', { name: 'Leave stream' }).click();
    await hidden(player(direct));
    await visible(streamer.page.getByRole('button', { name: 'You’re live · 1 viewer' }));
    await direct.page.getByRole('button', { name: 'View stream' }).click();
    await playsVideo(player(direct).getByLabel('Live stream from stella'));
    await visible(streamer.page.getByRole('button', { name: 'You’re live · 2 viewers' }));
  });

  it('cannot be viewed by someone outside the private channel: the server refuses to join', async () => {
    expect(await outsider.channelLink('studio').count()).toBe(0);
    const member = await nodeClient('dirk');
    const stream = member.streams.list()[0]!;
    member.close();
    const otto = await nodeClient('otto');
    expect(otto.streams.list()).toEqual([]);
    const refused = await otto.request('stream.join', { streamId: stream.id }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChatError);
    expect((refused as ChatError).code).toBe('NOT_FOUND');
    otto.close();
  });

  it('ends for every viewer when the streamer stops', async () => {
    await streamer.page.getByRole('button', { name: /You’re live/ }).click();
    await streamer.page
      .getByRole('dialog', { name: 'Live in studio' })
      .getByRole('button', { name: 'Stop stream' })
      .click();
    for (const p of [direct, relayed]) {
      await visible(player(p).getByText('The stream has ended.'));
      await player(p).getByRole('button', { name: 'Close' }).first().click();
      await visible(p.message(/stella's live stream ended/));
      await hidden(p.page.getByRole('button', { name: 'View stream' }));
      expect(await p.page.getByRole('status', { name: /^Live:/ }).count()).toBe(0);
    }
    await visible(streamer.page.getByRole('button', { name: 'Start stream' }));
  });

  it('tells viewers the stream ended when the streamer disconnects', async () => {
    await streamer.page.getByRole('button', { name: 'Start stream' }).click();
    const dialog = streamer.page.getByRole('dialog', { name: 'Start a stream in studio' });
    await playsVideo(dialog.getByLabel('Camera preview'));
    await dialog.getByRole('button', { name: 'Go live' }).click();
    await visible(streamer.page.getByRole('dialog', { name: 'Live in studio' }));
    await direct.page.getByRole('button', { name: 'View stream' }).click();
    await playsVideo(player(direct).getByLabel('Live stream from stella'));
    await streamer.page.close();
    await visible(player(direct).getByText('The stream has ended.'));
  });
});
