import http from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Namespace } from 'socket.io';

export interface Realtime {
  /** The HTTP server Fastify and Socket.IO share (one port). */
  httpServer: http.Server;
  io: Server;
  /** Agents, supervisors and admins (session cookie). Rooms: `ws:<workspaceId>`, `user:<userId>`, `conv:<id>` (subscribed), `wallboard:<workspaceId>` (supervisors). */
  agents: Namespace;
  /** Widget visitors (visitor token). Rooms: `customer:<customerId>`. */
  visitors: Namespace;
  close(): Promise<void>;
}

export const rooms = {
  workspace: (workspaceId: string) => `ws:${workspaceId}`,
  user: (userId: string) => `user:${userId}`,
  customer: (customerId: string) => `customer:${customerId}`,
  conversation: (conversationId: string) => `conv:${conversationId}`,
  /** Supervisors and admins of the workspace: wallboard updates. */
  wallboard: (workspaceId: string) => `wallboard:${workspaceId}`,
};

/**
 * The Socket.IO gateway on the same port as the HTTP API. With REDIS_URL, the Redis adapter
 * carries room broadcasts between server processes; without it, one process is all there is.
 * The modules that own each namespace add its authentication and handlers.
 */
export async function createRealtime(redisUrl: string | undefined, logger: Logger): Promise<Realtime> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    serveClient: false,
    cors: { origin: true, credentials: true },
    maxHttpBufferSize: 1e6,
  });
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
    httpServer,
    io,
    agents: io.of('/agent'),
    visitors: io.of('/widget'),
    async close() {
      for (const namespace of io._nsps.values()) namespace.local.disconnectSockets(true);
      io.engine.close();
      await Promise.all(clients.map((client) => client.quit().catch(() => undefined)));
    },
  };
}
