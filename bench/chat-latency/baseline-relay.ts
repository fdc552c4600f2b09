/**
 * The baseline for bench/chat-latency: a bare Socket.IO relay that does one INSERT per message
 * and forwards it to the agents' room. What any chat server must at least do.
 */
import http from 'node:http';
import pg from 'pg';
import { Server } from 'socket.io';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query(
  'CREATE TABLE IF NOT EXISTS relay_messages (id bigserial primary key, visitor text not null, client_id text not null, text text not null, created_at timestamptz not null default now())',
);
const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.of('/agent').on('connection', (socket) => void socket.join('agents'));
io.of('/widget').on('connection', (socket) => {
  socket.on('message:send', async (payload: { clientMessageId: string; text: string }, ack: (response: unknown) => void) => {
    const { rows } = await pool.query('INSERT INTO relay_messages (visitor, client_id, text) VALUES ($1, $2, $3) RETURNING id', [
      socket.id,
      payload.clientMessageId,
      payload.text,
    ]);
    io.of('/agent')
      .to('agents')
      .emit('message', { message: { id: rows[0].id, text: payload.text } });
    ack({ ok: true });
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('relay ready'));
process.on('SIGTERM', () => {
  io.close();
  void pool.end().then(() => process.exit(0));
});
