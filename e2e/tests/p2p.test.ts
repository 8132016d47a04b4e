import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../src/browser.ts';
import { startTestServer, type TestServer } from '../src/server-fixture.ts';
import { ChatPage } from '../src/chat-page.ts';
import { eventually, visible } from '../src/wait.ts';

let server: TestServer;
let browser: Browser;
const pages: ChatPage[] = [];

async function signedIn(name: string, options: { noWebRtc?: boolean } = {}): Promise<ChatPage> {
  const p = await ChatPage.open(browser, server.url);
  pages.push(p);
  if (options.noWebRtc) {
    // WebRTC made to fail: no RTCPeerConnection at all, as with a policy or a privacy extension.
    await p.context.addInitScript(() => {
      for (const k of ['RTCPeerConnection', 'webkitRTCPeerConnection'])
        Object.defineProperty(window, k, { value: undefined, configurable: true });
    });
    await p.page.reload();
  }
  await p.register(name);
  return p;
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.split(' ')[1]);
}

async function openDmWith(p: ChatPage, other: string): Promise<void> {
  await p.page.getByRole('button', { name: `Message ${other}` }).click();
  await visible(p.page.getByRole('heading', { level: 1, name: other }));
}

function linkStatus(p: ChatPage) {
  return p.page.getByRole('status', { name: 'Link' });
}

/** The burst lines a page shows, top to bottom. */
async function burstLines(p: ChatPage): Promise<string[]> {
  const labels = await p.allMessageLabels();
  return labels.map((l) => /burst \d+/.exec(l)?.[0]).filter((x): x is string => x !== undefined);
}

beforeAll(async () => {
  server = await startTestServer();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('direct messages', () => {
  it('go over a data channel between two browsers, and no DM frame passes through the server', async () => {
    const alice = await signedIn('alice');
    const bob = await signedIn('bob');
    await openDmWith(bob, 'alice');
    await alice.page
      .getByRole('navigation', { name: 'Direct messages' })
      .getByRole('button', { name: /^bob/ })
      .click();
    await eventually(() => alice.page.getByRole('status', { name: 'Link' }).textContent()).toBe(
      'Direct link',
    );
    await eventually(() => linkStatus(bob).textContent()).toBe('Direct link');
    const framesBefore = await metric('segmentchat_dm_frames_total');
    const bytesBefore = await metric('segmentchat_dm_bytes_total');

    await alice.send('Hello Bob, just between us');
    await visible(bob.message('Hello Bob, just between us (direct)'));
    await bob.send('Hi Alice, same here');
    await visible(alice.message('Hi Alice, same here (direct)'));
    await visible(alice.message('Hello Bob, just between us (direct)'));
    expect(await metric('segmentchat_dm_frames_total')).toBe(framesBefore);
    expect(await metric('segmentchat_dm_bytes_total')).toBe(bytesBefore);
    await alice.screenshot('dm-direct.png');

    // The server never had them: the device keeps them (IndexedDB) across a reload.
    await bob.page.reload();
    await visible(bob.message('Hello Bob, just between us (direct)'));
    await visible(bob.message('Hi Alice, same here (direct)'));

    // A direct DM read elsewhere shows as unread in the sidebar until the conversation is opened.
    await eventually(() => linkStatus(bob).textContent()).toBe('Direct link');
    await bob.openChannel('general');
    await alice.send('Are you there?');
    const dms = bob.page.getByRole('navigation', { name: 'Direct messages' });
    await visible(dms.getByRole('button', { name: 'alice, 1 unread' }));
    await dms.getByRole('button', { name: /^alice/ }).click();
    await visible(bob.message('Are you there? (direct)'));
    await visible(dms.getByRole('button', { name: 'alice', exact: true }));
  });

  it('still arrive, via the server, when WebRTC fails', async () => {
    const carol = await signedIn('carol', { noWebRtc: true });
    const dave = await signedIn('dave');
    await openDmWith(carol, 'dave');
    await eventually(() => linkStatus(carol).textContent()).toBe('Via server');
    const framesBefore = await metric('segmentchat_dm_frames_total');
    await carol.send('Can you read me, Dave?');
    await dave.page
      .getByRole('navigation', { name: 'Direct messages' })
      .getByRole('button', { name: /^carol/ })
      .click();
    await visible(dave.message('Can you read me, Dave? (via server)'));
    await dave.send('Loud and clear');
    await visible(carol.message('Loud and clear (via server)'));
    expect(await metric('segmentchat_dm_frames_total')).toBe(framesBefore + 2);
  });
});

describe('a hosted channel', () => {
  let host: ChatPage;
  let members: ChatPage[];

  it('links three members to the host and relays messages both ways', async () => {
    host = await signedIn('hostess');
    await host.createChannel('hosted', { description: 'Hosted by its creator' });
    members = [];
    for (const name of ['m_one', 'm_two', 'm_three']) {
      const m = await signedIn(name);
      await m.joinFromBrowse('hosted');
      members.push(m);
    }
    for (const m of members)
      await eventually(() => m.page.getByRole('status', { name: 'Hosting' }).textContent()).toBe(
        'Hosted by hostess · 3 linked · you are linked',
      );
    await eventually(() => host.page.getByRole('status', { name: 'Hosting' }).textContent()).toBe(
      'Hosted by you · 3 linked · you host',
    );
    const relayedBefore = await metric('segmentchat_host_relayed_messages_total');

    await members[0]!.send('A member writes through the host');
    for (const p of [host, members[1]!, members[2]!])
      await visible(p.message('A member writes through the host'));
    await host.send('The host answers');
    for (const m of members) await visible(m.message('The host answers'));
    expect(await metric('segmentchat_host_relayed_messages_total')).toBe(relayedBefore + 1);
    await host.screenshot('hosted-channel.png');
  });

  it('loses nothing and doubles nothing when the host leaves in the middle of a burst of 100', async () => {
    const burst = Array.from({ length: 100 }, (_, i) => `burst ${i}`);
    const writer = members[0]!;
    const relayedBefore = await metric('segmentchat_host_relayed_messages_total');
    const typing = (async () => {
      for (const t of burst) {
        await writer.composer().fill(t);
        await writer.composer().press('Enter');
      }
    })();
    // Mid-relay: wait until part of the burst went through the host, then close its page.
    for (;;) {
      if ((await metric('segmentchat_host_relayed_messages_total')) >= relayedBefore + 10) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await host.close();
    await typing;

    for (const m of members) {
      await eventually(() => burstLines(m).then((l) => l.length)).toBe(100);
      await eventually(() => m.page.getByRole('status', { name: 'Hosting' }).count()).toBe(0);
    }
    const orders = await Promise.all(members.map(burstLines));
    expect(new Set(orders[0]).size).toBe(100);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    expect([...orders[0]!].sort()).toEqual([...burst].sort());
    // Part went through the host, the rest through the server after it left.
    expect(await metric('segmentchat_host_relayed_messages_total')).toBeLessThan(relayedBefore + 100);
  });
});
