import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { MIGRATIONS_DIR, migrationsApplied } from '../db/migrate.js';

const expectedMigrations = (): number => {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
};

/** /healthz: the process is up. /readyz: it can serve — database reachable and fully migrated. */
export function registerHealth(app: FastifyInstance, pool: pg.Pool): void {
  const expected = expectedMigrations();
  app.get('/healthz', { config: { access: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { access: 'public' }, schema: { hide: true } }, async (request, reply) => {
    try {
      if (!(await migrationsApplied(pool, expected))) {
        return reply.code(503).send({ status: 'starting', reason: 'database migrations are not applied yet' });
      }
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness check failed');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
