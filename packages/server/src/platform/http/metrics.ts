import type { FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { constantTimeEqual } from '../secrets.js';
import { forbidden, unauthorized } from '../errors.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * A scrape from this machine: the TCP peer is loopback and no proxy forwarded the request (a
 * reverse proxy on the same host is loopback too, but says whom it forwards for).
 */
function fromThisMachine(request: FastifyRequest): boolean {
  const { headers } = request;
  if (headers['x-forwarded-for'] || headers.forwarded || headers['x-real-ip']) return false;
  return LOOPBACK.has(request.socket.remoteAddress ?? '');
}

/**
 * Prometheus metrics at /metrics (with METRICS_TOKEN, for its bearer; without, for this machine only): HTTP latency by route, the database pool, and the default
 * process metrics (which include event-loop lag). One registry per app, so tests can run
 * several servers in one process.
 */
export function registerMetrics(app: FastifyInstance, pool: pg.Pool, token: string | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });

  const httpDuration = new Histogram({
    name: 'huiliu_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern, method and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  poolGauge('huiliu_db_pool_connections', 'Database connections open in the pool', () => pool.totalCount);
  poolGauge('huiliu_db_pool_idle', 'Idle database connections in the pool', () => pool.idleCount);
  poolGauge('huiliu_db_pool_waiting', 'Queries waiting for a free database connection', () => pool.waitingCount);

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the raw URL, keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    if (token) {
      const header = request.headers.authorization ?? '';
      if (!constantTimeEqual(header, `Bearer ${token}`)) throw unauthorized('send Authorization: Bearer <METRICS_TOKEN>');
    } else if (!fromThisMachine(request)) {
      throw forbidden('without METRICS_TOKEN, /metrics answers only to this machine; set METRICS_TOKEN to scrape it from elsewhere');
    }
    reply.header('content-type', registry.contentType);
    return registry.metrics();
  });
  return registry;
}
