import { RTCPeerConnection } from 'werift';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatClient, RtcPeerConnectionCtor } from '../src/index.ts';
import { newClient, newUser, sleep, startTestServer, waitFor } from './helpers.ts';
import type { TestServer } from './helpers.ts';

/** werift's RTCPeerConnection: WebRTC data channels in Node, pure TypeScript. */
const rtc = RTCPeerConnection as unknown as RtcPeerConnectionCtor;

let server: TestServer;
const clients: ChatClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  for (const c of clients) c.close();
  await server.cleanup();
});

async function connected(prefix: string, withRtc = true) {
  const u = await newUser(server.url, prefix);
  const client = newClient(server.url, u.token, { rtc: withRtc ? rtc : null });
  clients.push(client);
  await client.connect();
  return { ...u, client };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no metric ${name}`);
  return Number(line.split(' ')[1]);
}

const dmTexts = (c: ChatClient, channelId: string) =>
  c.peers.dmItems(channelId).map((i) => `${i.text}|${i.via}`);

async function openDm(a: ChatClient, b: { id: string; client: ChatClient }) {
  const { channel } = await a.request('dm.open', { userId: b.id });
  await waitFor('the peer sees the DM channel', () => b.client.channel(channel.id) !== undefined);
  return channel.id;
}

describe('direct messages', () => {
  it('go over a data channel when both are online, and never through the server', async () => {
    const alice = await connected('dmA');
    const bob = await connected('dmB');
    const dm = await openDm(alice.client, bob);
    await waitFor(
      'a data channel opens',
      () => alice.client.peers.isDirect(dm) && bob.client.peers.isDirect(dm),
    );
    const framesBefore = await metric('segmentchat_dm_frames_total');

    await alice.client.peers.sendDm(dm, 'straight to you');
    await waitFor('bob gets it', () => dmTexts(bob.client, dm).length === 1);
    await bob.client.peers.sendDm(dm, 'and back');
    await waitFor('bob has both', () => dmTexts(bob.client, dm).length === 2);
    await waitFor('alice has both', () => dmTexts(alice.client, dm).length === 2);
    for (const c of [alice.client, bob.client])
      expect(dmTexts(c, dm)).toEqual(['straight to you|direct', 'and back|direct']);
    expect(await metric('segmentchat_dm_frames_total')).toBe(framesBefore);
    expect(alice.client.messages(dm)).toEqual([]);
  });

  it('go through the server when WebRTC is missing on one side, and show "via server"', async () => {
    const alice = await connected('fbA');
    const bob = await connected('fbB', false);
    const dm = await openDm(alice.client, bob);
    const framesBefore = await metric('segmentchat_dm_frames_total');
    await alice.client.peers.sendDm(dm, 'by the server');
    await waitFor('bob gets it', () => dmTexts(bob.client, dm).includes('by the server|server'));
    expect(await metric('segmentchat_dm_frames_total')).toBe(framesBefore + 1);
    expect(alice.client.pending(dm)).toEqual([]);
  });

  it('fall back to the server when the link drops, without losing or doubling a message', async () => {
    const alice = await connected('dropA');
    const bob = await connected('dropB');
    const dm = await openDm(alice.client, bob);
    await waitFor('a data channel opens', () => alice.client.peers.isDirect(dm));
    await alice.client.peers.sendDm(dm, 'before the drop');
    await waitFor('bob acks it', () => alice.client.peers.dmItems(dm)[0]?.status === 'sent');
    bob.client.close(); // bob's side of the link goes away with him
    await waitFor('alice notices', () => !alice.client.peers.isDirect(dm));
    await alice.client.peers.sendDm(dm, 'after the drop');
    await waitFor('stored on the server', () =>
      alice.client.messages(dm).some((m) => m.text === 'after the drop'),
    );
    expect(dmTexts(alice.client, dm)).toEqual(['before the drop|direct', 'after the drop|server']);
  });
});

describe('hosted channels', () => {
  it('relay members messages through the host both ways, and fall back when the host leaves mid-burst', async () => {
    const host = await connected('host');
    const members = [await connected('m1'), await connected('m2'), await connected('m3')];
    const { channel } = await host.client.request('channel.create', { name: `hosted-${Date.now()}` });
    for (const m of members) await m.client.request('channel.join', { channelId: channel.id });
    await waitFor('all three link to the host', () =>
      members.every((m) => m.client.peers.hostInfo(channel.id)?.role === 'linked'),
    );
    await waitFor('the host counts them', () => host.client.peers.hostInfo(channel.id)?.linked === 3);
    await waitFor('members see the count', () =>
      members.every((m) => m.client.peers.hostInfo(channel.id)?.linked === 3),
    );
    const relayedBefore = await metric('segmentchat_host_relayed_messages_total');

    await members[0]!.client.sendMessage(channel.id, 'from a member');
    await host.client.sendMessage(channel.id, 'from the host');
    const all = [host, ...members];
    for (const c of all)
      await waitFor('everyone has both', () =>
        ['from a member', 'from the host'].every((t) =>
          c.client.messages(channel.id).some((m) => m.text === t),
        ),
      );
    expect(await metric('segmentchat_host_relayed_messages_total')).toBe(relayedBefore + 1);

    // A burst of 100 from the members; the host goes away in the middle of it.
    const burst = Array.from({ length: 100 }, (_, i) => `burst ${i}`);
    const sends = burst.map((t, i) => members[i % 3]!.client.sendMessage(channel.id, t));
    // Mid-relay: some of the burst is stored through the host, the rest must find another way.
    const relayedMid = relayedBefore + 1 + 10;
    while ((await metric('segmentchat_host_relayed_messages_total')) < relayedMid) await sleep(5);
    host.client.close();
    await Promise.all(sends);
    for (const m of members)
      await waitFor('every burst message arrives', () => {
        const texts = new Set(m.client.messages(channel.id).map((x) => x.text));
        return burst.every((t) => texts.has(t)) && m.client.pending(channel.id).length === 0;
      });
    const orders = members.map((m) =>
      m.client
        .messages(channel.id)
        .filter((x) => x.text.startsWith('burst '))
        .map((x) => `${x.seq}:${x.text}`),
    );
    expect(orders[0]).toHaveLength(100);
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
    const history = await members[0]!.client.request('message.history', {
      channelId: channel.id,
      limit: 200,
    });
    const stored = history.messages.filter((x) => x.text.startsWith('burst ')).map((x) => x.text);
    expect(stored.sort()).toEqual([...burst].sort());
    // Not all of it went through the host: the fallback really carried part of the burst.
    expect(await metric('segmentchat_host_relayed_messages_total')).toBeLessThan(relayedBefore + 1 + 100);

    // The host comes back: hosting resumes and members link again.
    const back = newClient(server.url, host.token, { rtc });
    clients.push(back);
    await back.connect();
    await waitFor('members link to the returning host', () =>
      members.every((m) => m.client.peers.hostInfo(channel.id)?.role === 'linked'),
    );
    const relayedAgain = await metric('segmentchat_host_relayed_messages_total');
    await members[2]!.client.sendMessage(channel.id, 'hosting resumed');
    for (const c of [back, members[0]!.client])
      await waitFor('the message arrives', () =>
        c.messages(channel.id).some((m) => m.text === 'hosting resumed'),
      );
    expect(await metric('segmentchat_host_relayed_messages_total')).toBe(relayedAgain + 1);
  });
});
