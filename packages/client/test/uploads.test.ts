import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadImage } from '../src/index.ts';
import type { ChatClient, Message } from '../src/index.ts';
import { newClient, newUser, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

describe('images through the SDK', () => {
  let server: TestServer;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server?.cleanup();
  });

  async function connected(token: string): Promise<ChatClient> {
    const c = newClient(server.url, token);
    clients.push(c);
    await c.connect();
    return c;
  }

  it('uploads an image and sends it as an attachment that another client receives', async () => {
    const [ada, bob] = await Promise.all([newUser(server.url, 'ada'), newUser(server.url, 'bob')]);
    const a = await connected(ada.token);
    const b = await connected(bob.token);
    const general = a.channels().find((c) => c.name === 'general')!;
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#5b5bd6' } })
      .png()
      .toBuffer();
    const attachment = await uploadImage(server.url, general.id, Uint8Array.from(png), {
      token: ada.token,
      filename: 'swatch.png',
      type: 'image/png',
    });
    expect(attachment).toMatchObject({ mime: 'image/png', width: 40, height: 30 });
    const received: Message[] = [];
    b.on('message', (m) => received.push(m));
    await a.sendMessage(general.id, 'a swatch', [attachment.id]);
    await waitFor('the message at bob', () => received.some((m) => m.text === 'a swatch'));
    expect(received.find((m) => m.text === 'a swatch')!.attachments).toEqual([attachment]);
  });

  it('turns a refusal into a ChatError with the server code', async () => {
    const eve = await newUser(server.url, 'eve');
    const c = await connected(eve.token);
    const general = c.channels().find((ch) => ch.name === 'general')!;
    const text = new TextEncoder().encode('not an image at all');
    await expect(uploadImage(server.url, general.id, text, { token: eve.token })).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA',
    });
  });
});
