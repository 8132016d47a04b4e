/**
 * Baseline 3: Socket.IO 4 with rooms, as a Node developer would write it: `socket.join(room)` and
 * `io.to(room).emit(...)` (which encodes each packet once per broadcast). WebSocket transport
 * only, so no long-polling or upgrade dance is measured. Events carry the baseline protocol's
 * objects: `join`, `send`, `sync` in; `msg` and `reply` out.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { asRequest, exitOnSignal, portArg, Room } from './baseline-protocol.ts';

const history = new Map<string, Room<string>>();
function roomOf(name: string): Room<string> {
  let room = history.get(name);
  if (!room) {
    room = new Room<string>();
    history.set(name, room);
  }
  return room;
}

const http = createServer((_req, res) => res.writeHead(404).end());
const io = new Server(http, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });

io.on('connection', (socket) => {
  const handle = (t: 'join' | 'send' | 'sync') => (payload: unknown) => {
    const req = asRequest({ ...(payload as object), t });
    if (!req) {
      socket.emit('reply', { ok: false, error: 'bad request' });
      return;
    }
    const room = roomOf(req.room);
    switch (req.t) {
      case 'join':
        void socket.join(req.room);
        socket.emit('reply', { re: req.id, ok: true, seq: room.seq });
        return;
      case 'send': {
        const seq = room.append(req.text);
        io.to(req.room).emit('msg', { room: req.room, seq, text: req.text });
        if (req.id !== undefined) socket.emit('reply', { re: req.id, ok: true, seq });
        return;
      }
      case 'sync':
        socket.emit('reply', { re: req.id, ok: true, ...room.since(req.since) });
        return;
    }
  };
  socket.on('join', handle('join'));
  socket.on('send', handle('send'));
  socket.on('sync', handle('sync'));
});

http.listen(portArg(process.argv), '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  console.log(`socketio listening on http://127.0.0.1:${port}`);
});
exitOnSignal(() => {
  io.disconnectSockets(true);
  http.close();
});
