import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

/**
 * The Socket.IO gateway on the HTTP server's port. With REDIS_URL, the Redis adapter carries
 * room broadcasts between server processes; without it, one process is all there is.
 * Authentication and rooms are added by the modules that own them (conversations, widget).
 */
export async function attachRealtime(app: FastifyInstance, redisUrl: string | undefined, logger: Logger): Promise<Realtime> {
  const io = new Server(app.server, { serveClient: false, cors: { origin: true, credentials: true } });
  const clients: Redis[] = [];
  if (redisUrl) {
    const pub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));
    await Promise.all([pub.connect(), sub.connect()]);
    clients.push(pub, sub);
    io.adapter(createAdapter(pub, sub));
    logger.info('real-time events fan out through Redis');
  }
  return {
    io,
    async close() {
      io.local.disconnectSockets(true);
      io.engine.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    },
  };
}
