/**
 * Baseline 2: the same relay done as well as plain Node allows. Each message becomes one Buffer
 * shared by every member (no per-socket encoding), and each socket is corked on its first write
 * in a tick and uncorked on setImmediate, so all frames for a socket in one tick leave in a
 * single writev instead of one syscall per frame.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { asRequest, exitOnSignal, portArg, Rooms } from './baseline-protocol.ts';

interface Peer {
  ws: WebSocket;
  socket: Socket;
  corked: boolean;
}

const rooms = new Rooms<Peer>();
const corked: Peer[] = [];
let flushScheduled = false;

function flush(): void {
  flushScheduled = false;
  for (const peer of corked) {
    peer.corked = false;
    peer.socket.uncork();
  }
  corked.length = 0;
}

function write(peer: Peer, data: Buffer | string): void {
  if (!peer.corked) {
    peer.corked = true;
    peer.socket.cork();
    corked.push(peer);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  }
  peer.ws.send(data, { binary: false });
}

const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

wss.on('connection', (ws, request) => {
  const peer: Peer = { ws, socket: request.socket, corked: false };
  const joined = new Set<string>();
  ws.on('message', (data: Buffer) => {
    let req;
    try {
      req = asRequest(JSON.parse(data.toString()));
    } catch {
      req = null;
    }
    if (!req) {
      write(peer, '{"ok":false,"error":"bad request"}');
      return;
    }
    const room = rooms.get(req.room);
    switch (req.t) {
      case 'join':
        room.members.add(peer);
        joined.add(req.room);
        write(peer, JSON.stringify({ re: req.id, ok: true, seq: room.seq }));
        return;
      case 'send': {
        const seq = room.append(req.text);
        const frame = Buffer.from(JSON.stringify({ t: 'msg', room: req.room, seq, text: req.text }));
        for (const member of room.members) write(member, frame);
        if (req.id !== undefined) write(peer, JSON.stringify({ re: req.id, ok: true, seq }));
        return;
      }
      case 'sync':
        write(peer, JSON.stringify({ re: req.id, ok: true, ...room.since(req.since) }));
        return;
    }
  });
  ws.on('close', () => rooms.leaveAll(peer, joined));
});

http.listen(portArg(process.argv), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`ws-relay-corked listening on http://127.0.0.1:${port}`);
});
exitOnSignal(() => {
  for (const ws of wss.clients) ws.terminate();
  http.close();
});
