import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { HistoryReader } from '../src/history-reader.ts';
import { eventually, hidden, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
let alice: ChatPage;
let bob: ChatPage;

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
  alice = await ChatPage.open(browser, server.url);
  bob = await ChatPage.open(browser, server.url);
  await alice.register('alice');
  await bob.register('bob');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Pastes a 640 x 400 PNG drawn on a canvas into the composer, exactly as the browser delivers a
 * copied screenshot: a `paste` ClipboardEvent whose DataTransfer holds a File named image.png.
 */
async function pasteImage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(640, 400);
    const g = canvas.getContext('2d')!;
    const sky = g.createLinearGradient(0, 0, 0, 400);
    sky.addColorStop(0, '#2b1d5c');
    sky.addColorStop(0.55, '#e0646f');
    sky.addColorStop(1, '#f9c77a');
    g.fillStyle = sky;
    g.fillRect(0, 0, 640, 400);
    g.fillStyle = '#ffe29a';
    g.beginPath();
    g.arc(320, 300, 70, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#1d1640';
    g.beginPath();
    g.moveTo(0, 400);
    for (let x = 0; x <= 640; x += 40) g.lineTo(x, 300 + 40 * Math.sin(x / 70));
    g.lineTo(640, 400);
    g.fill();
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const file = new File([blob], 'image.png', { type: 'image/png' });
    const data = new DataTransfer();
    data.items.add(file);
    const composer = document.querySelector<HTMLTextAreaElement>('textarea[aria-label^="Message "]')!;
    composer.focus();
    composer.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  });
}

describe('images', () => {
  it('one user pastes an image; the other sees the thumbnail and opens the lightbox', async () => {
    await pasteImage(alice.page);
    const tray = alice.page.getByRole('list', { name: 'Images to send' });
    await visible(tray.getByRole('listitem', { name: 'image.png' }));
    // The upload starts at once; its progress bar goes when it is done.
    await eventually(() => tray.getByRole('progressbar').count()).toBe(0);
    await alice.composer().fill('Sunset from the office roof');
    await alice.composer().press('Enter');
    await hidden(tray);

    const message = bob.message('Sunset from the office roof (1 image)');
    await visible(message);
    const thumb = message.getByRole('button', { name: 'Open image' });
    // Sized from the attachment's width and height (640 x 400 into 360 x 280): no layout jump.
    const box = await thumb.boundingBox();
    expect(box && [Math.round(box.width), Math.round(box.height)]).toEqual([360, 225]);
    // The file really loads for Bob (served to members of the channel it was posted in).
    await eventually(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      640,
    );
    await bob.screenshot('images.png');

    await thumb.click();
    const lightbox = bob.page.getByRole('dialog', { name: 'Image from alice' });
    await visible(lightbox);
    await eventually(() =>
      lightbox.getByRole('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
    ).toBe(640);
    await bob.screenshot('images-lightbox.png');
    await bob.page.keyboard.press('Escape');
    await hidden(lightbox);
    // Focus returns to the thumbnail that opened it.
    await eventually(() => bob.page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Open image',
    );
  });

  it('sends several images from the Upload button, after removing one', async () => {
    const chooser = alice.page.waitForEvent('filechooser');
    await alice.page.getByRole('button', { name: 'Upload image' }).click();
    const files = await alice.page.evaluate(async () => {
      const out: { name: string; mimeType: string; buffer: number[] }[] = [];
      for (const [i, color] of ['#5b5bd6', '#1f9d55', '#d98b0c'].entries()) {
        const c = new OffscreenCanvas(300 + i * 100, 300);
        const g = c.getContext('2d')!;
        g.fillStyle = color;
        g.fillRect(0, 0, c.width, c.height);
        const blob = await c.convertToBlob({ type: 'image/png' });
        out.push({
          name: `swatch-${i + 1}.png`,
          mimeType: 'image/png',
          buffer: [...new Uint8Array(await blob.arrayBuffer())],
        });
      }
      return out;
    });
    await (await chooser).setFiles(files.map((f) => ({ ...f, buffer: Buffer.from(f.buffer) })));
    const tray = alice.page.getByRole('list', { name: 'Images to send' });
    await eventually(() => tray.getByRole('listitem').count()).toBe(3);
    await tray.getByRole('button', { name: /(Remove|Cancel upload of) swatch-2\.png/ }).click();
    await eventually(() => tray.getByRole('listitem').count()).toBe(2);
    await eventually(() => tray.getByRole('progressbar').count()).toBe(0);
    await alice.composer().press('Enter');

    const message = bob.message(/\(2 images\)/);
    await visible(message);
    await visible(message.getByRole('button', { name: 'Open image 2 of 2' }));
    await message.getByRole('button', { name: 'Open image 1 of 2' }).click();
    const lightbox = bob.page.getByRole('dialog', { name: 'Image 1 of 2 from alice' });
    await visible(lightbox);
    await bob.page.keyboard.press('ArrowRight');
    await visible(bob.page.getByRole('dialog', { name: 'Image 2 of 2 from alice' }));
    await bob.page.keyboard.press('Escape');
    await hidden(bob.page.getByRole('dialog'));
  });

  it('takes images dropped on the composer', async () => {
    await alice.page.evaluate(async () => {
      const data = new DataTransfer();
      for (const [i, color] of ['#d6334a', '#2fb36b'].entries()) {
        const c = new OffscreenCanvas(120, 160);
        const g = c.getContext('2d')!;
        g.fillStyle = color;
        g.fillRect(0, 0, 120, 160);
        const blob = await c.convertToBlob({ type: 'image/png' });
        data.items.add(new File([blob], `dropped-${i + 1}.png`, { type: 'image/png' }));
      }
      const target = document.querySelector<HTMLTextAreaElement>('textarea[aria-label^="Message "]')!;
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const tray = alice.page.getByRole('list', { name: 'Images to send' });
    await eventually(() => tray.getByRole('listitem').count()).toBe(2);
    await eventually(() => tray.getByRole('progressbar').count()).toBe(0);
    await alice.composer().fill('Two dropped swatches');
    await alice.composer().press('Enter');
    const message = bob.message('Two dropped swatches (2 images)');
    await visible(message);
    // 120 x 160 fits the 200 x 160 box of a multi-image message as it is.
    const box = await message.getByRole('button', { name: 'Open image 1 of 2' }).boundingBox();
    expect(box && [Math.round(box.width), Math.round(box.height)]).toEqual([120, 160]);
  });

  it('an image sent offline waits (through a reload), then uploads and arrives once on reconnect', async () => {
    const truth = await HistoryReader.connect(server.url, 'observer');
    // The app shell must be cached by the service worker before the network goes away.
    await alice.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await alice.context.setOffline(true);
    await eventually(() =>
      alice.page.getByRole('status', { name: 'Connection', includeHidden: true }).textContent(),
    ).toMatch(/Offline|Reconnecting|Connecting/);
    await pasteImage(alice.page);
    await alice.composer().fill('Written on the train');
    await alice.composer().press('Enter');
    const waiting = alice.page.getByRole('list', { name: 'Waiting to send' });
    await visible(waiting.getByText(/Written on the train/));

    // The image waits in IndexedDB: a reload with no network still has it.
    await alice.page.reload();
    await visible(
      alice.page.getByRole('list', { name: 'Waiting to send' }).getByText(/Written on the train/),
    );
    await alice.screenshot('images-offline.png');

    await alice.context.setOffline(false);
    await visible(bob.message('Written on the train (1 image)'));
    await hidden(alice.page.getByRole('list', { name: 'Waiting to send' }));
    const thumb = bob.message('Written on the train').getByRole('button', { name: 'Open image' });
    await eventually(() => thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(
      640,
    );
    // Exactly once, on the server too.
    const stored = (await truth.messages('general')).filter((m) => m.text === 'Written on the train');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.attachments).toHaveLength(1);
    truth.close();
  });
});
