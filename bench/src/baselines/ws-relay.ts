/**
 * Baseline 1: the hand-rolled `ws` relay most Node chat servers start as. Each message is
 * stringified once and `ws.send(string)` is called per member, so every delivery pays for its own
 * UTF-8 encoding, frame header and socket write.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { asRequest, exitOnSignal, portArg, Rooms } from './baseline-protocol.ts';

const rooms = new Rooms<WebSocket>();
const http = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });

wss.on('connection', (ws) => {
  const joined = new Set<string>();
  ws.on('message', (data: Buffer) => {
    let req;
    try {
      req = asRequest(JSON.parse(data.toString()));
    } catch {
      req = null;
    }
    if (!req) {
      ws.send('{"ok":false,"error":"bad request"}');
      return;
    }
    const room = rooms.get(req.room);
    switch (req.t) {
      case 'join':
        room.members.add(ws);
        joined.add(req.room);
        ws.send(JSON.stringify({ re: req.id, ok: true, seq: room.seq }));
        return;
      case 'send': {
        const seq = room.append(req.text);
        const frame = JSON.stringify({ t: 'msg', room: req.room, seq, text: req.text });
        for (const member of room.members) member.send(frame);
        if (req.id !== undefined) ws.send(JSON.stringify({ re: req.id, ok: true, seq }));
        return;
      }
      case 'sync':
        ws.send(JSON.stringify({ re: req.id, ok: true, ...room.since(req.since) }));
        return;
    }
  });
  ws.on('close', () => rooms.leaveAll(ws, joined));
});

http.listen(portArg(process.argv), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`ws-relay listening on http://127.0.0.1:${port}`);
});
exitOnSignal(() => {
  for (const ws of wss.clients) ws.terminate();
  http.close();
});
