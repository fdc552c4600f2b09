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
  /** Whether other server processes share the rooms (Redis): only then is there anyone to tell with serverSideEmit. */
  clustered: boolean;
  close(): Promise<void>;
}

/** Where engine.io answers (its polling requests and WebSocket upgrades). */
export const REALTIME_PATH = '/socket.io/';

/** Whether a browser page at `origin` is one of the console's (may send the session cookie). */
export type ConsoleOriginCheck = (origin: string | undefined, host: string | undefined) => boolean;

/**
 * Engine.io wraps the 'request' listeners the HTTP server had when it attached, and adds its
 * own; a listener added later (Fastify's) hears every request, engine.io's too. Before this,
 * Fastify answered each long-polling request with a 404 after engine.io had begun its answer:
 * `ERR_HTTP_HEADERS_SENT`, and a broken connection whenever WebSockets were not available.
 */
export function skipRealtimePath(
  handler: (request: http.IncomingMessage, response: http.ServerResponse) => void,
): (request: http.IncomingMessage, response: http.ServerResponse) => void {
  return (request, response) => {
    if (request.url?.startsWith(REALTIME_PATH)) return;
    handler(request, response);
  };
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
export async function createRealtime(
  redisUrl: string | undefined,
  logger: Logger,
  consoleOrigin: ConsoleOriginCheck = () => true,
): Promise<Realtime> {
  const httpServer = http.createServer();
  const io = new Server(httpServer, {
    path: REALTIME_PATH,
    serveClient: false,
    // Long-polling is plain cross-origin HTTP. The widget (on customers' sites, visitor token in
    // its auth payload) needs no credentials; only the console's own origins may send the cookie.
    // The /agent handshake checks the Origin again, for WebSocket upgrades, which CORS does not cover.
    cors: (request, callback) => {
      const origin = request.headers.origin;
      callback(null, { origin: true, credentials: consoleOrigin(origin, request.headers.host) });
    },
    maxHttpBufferSize: 1e6,
  });
  const clients: Redis[] = [];
  if (redisUrl) {
    const pub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', (error) => logger.warn({ err: error }, 'redis connection problem'));
    await Promise.all([pub.connect(), sub.connect()]);
    catchPublishFailures(pub, logger);
    // The subscriber goes first on close, so no request from another node arrives to be answered on a closed publisher.
    clients.push(sub, pub);
    io.adapter(createAdapter(pub, sub));
    logger.info('real-time events fan out through Redis');
  }
  return {
    httpServer,
    io,
    agents: io.of('/agent'),
    visitors: io.of('/widget'),
    clustered: clients.length > 0,
    async close() {
      // Closing the transports, not disconnecting the sockets: a client told "server disconnect"
      // never reconnects by itself, one whose transport closed reconnects (to any node).
      io.engine.close();
      for (const client of clients) await client.quit().catch(() => undefined);
    },
  };
}

/**
 * The Redis adapter publishes broadcasts and cluster requests without handling the promise, so
 * a publish while Redis is unreachable (or after shutdown began) would be an unhandled rejection,
 * which ends a Node process. A lost broadcast is what a Redis outage costs anyway: the clients
 * resync on reconnect; log it instead of crashing.
 */
function catchPublishFailures(pub: Redis, logger: Logger): void {
  const publish = pub.publish.bind(pub) as (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  const guarded = (channel: string | Buffer, message: string | Buffer) =>
    publish(channel, message).catch((error: unknown) => {
      logger.warn({ err: error }, 'a real-time event could not be published to Redis');
      return 0;
    });
  pub.publish = guarded as typeof pub.publish;
}
