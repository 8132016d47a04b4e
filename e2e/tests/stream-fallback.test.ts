import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from '@segmentchat/client';
import { launchBrowser } from '../src/browser.ts';
import { ChatPage } from '../src/chat-page.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { visible } from '../src/wait.ts';

const PASSWORD = 'correct horse 42';

/**
 * In the streamer's page: every direct link fails, because the streamer cannot take a viewer's
 * offer (as when the two are behind NATs that ICE cannot cross). Its own upstream to the relay,
 * where it is the offerer, still works.
 */
const NO_DIRECT = `(() => {
  const set = RTCPeerConnection.prototype.setRemoteDescription;
  RTCPeerConnection.prototype.setRemoteDescription = function (d) {
    if (d && d.type === 'offer') return Promise.reject(new DOMException('blocked by test', 'NetworkError'));
    return set.call(this, d);
  };
})();`;

let server: TestServer;
let browser: Browser;
let streamer: ChatPage;
let viewer: ChatPage;

beforeAll(async () => {
  // The default direct limit (4): the viewer is sent to the streamer first.
  server = await startTestServer();
  browser = await launchBrowser();
  [streamer, viewer] = await Promise.all([
    ChatPage.open(browser, server.url),
    ChatPage.open(browser, server.url),
  ]);
  await streamer.context.addInitScript(NO_DIRECT);
  await streamer.page.reload();
  for (const [page, username] of [
    [streamer, 'faye'],
    [viewer, 'vic'],
  ] as const) {
    await api.register(server.url, { username, password: PASSWORD });
    await page.login(username, PASSWORD);
    await page.openChannel('general');
  }
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('a stream whose direct link cannot open', () => {
  it('reaches the viewer through the relay instead', async () => {
    await streamer.page.getByRole('button', { name: 'Start stream' }).click();
    await streamer.page.getByRole('button', { name: 'Go live' }).click();
    await visible(streamer.page.getByRole('dialog', { name: 'Live in general' }));

    await viewer.page.getByRole('button', { name: 'View stream' }).click();
    const player = viewer.page.getByRole('dialog', { name: 'faye’s stream' });
    await visible(player.getByText('Direct from the streamer'));
    // After the direct attempt gives up (8 s), the viewer asks for the relay.
    await player.getByText('Through the server relay').waitFor({ timeout: 30_000 });
    const video = player.getByLabel('Live stream from faye');
    await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<void>((resolve, reject) => {
          let n = 0;
          const onFrame = () => (++n >= 3 ? resolve() : v.requestVideoFrameCallback(onFrame));
          v.requestVideoFrameCallback(onFrame);
          setTimeout(() => reject(new Error(`only ${n} new frames in 30 s`)), 30_000);
        }),
    );
    expect(await video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
    await visible(streamer.page.getByRole('button', { name: 'You’re live · 1 viewer' }));
  });
});
