import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import type { Logger } from 'pino';

/** drizzle-kit writes migrations here (packages/server/drizzle), next to src/ and dist/. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../drizzle');

/** Any constant works; it only has to be the same for every Huiliu process. */
const MIGRATION_LOCK_KEY = 7_426_001;

/**
 * Applies pending migrations. Several processes starting at once take turns on a
 * PostgreSQL advisory lock: the first applies the migrations, the others then find
 * nothing left to do.
 */
export async function runMigrations(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const started = Date.now();
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_DIR });
      logger.info({ ms: Date.now() - started }, 'database migrations up to date');
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

/** True when every migration file has a row in drizzle's journal table. */
export async function migrationsApplied(pool: pg.Pool, expected: number): Promise<boolean> {
  const result = await pool.query<{ count: string }>(`SELECT count(*)::text AS count FROM drizzle.__drizzle_migrations`);
  return Number(result.rows[0]?.count ?? 0) >= expected;
}
