import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the run's PostgreSQL server, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `huiliu_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** Bookkeeping that authentication itself updates (at most once a minute); not data a request changes. */
const VOLATILE_COLUMNS = ['last_seen_at', 'last_used_at'];

/**
 * A digest of every row of every table in the public schema: equal digests mean the
 * database was not changed. It first waits for the outbox: a handler of an earlier, accepted
 * change (automations, SLA clocks, routing) still writing must not look like a refused request
 * writing, nor hide one.
 */
export async function fingerprint(url: string): Promise<Record<string, string>> {
  await outboxSettled(url);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
    );
    const digests: Record<string, string> = {};
    for (const { tablename } of tables.rows) {
      const result = await client.query<{ digest: string | null }>(
        `SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS digest
           FROM (SELECT to_jsonb(t) ${VOLATILE_COLUMNS.map((column) => `- '${column}'`).join(' ')} AS r FROM ${client.escapeIdentifier(tablename)} t) rows`,
      );
      digests[tablename] = result.rows[0]?.digest ?? '';
    }
    return digests;
  } finally {
    await client.end();
  }
}

/** Runs one query on its own connection and returns the rows: for checking what was stored. */
export async function queryRows<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Waits until the outbox relay has handled every event that is due: a test that compares
 * fingerprints must not start while handlers of earlier changes (routing, delivery, SLA clocks)
 * are still writing.
 */
export async function outboxSettled(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A database before its migrations (the migration tests) has no outbox to wait for.
    const [exists] = await queryRows<{ outbox: string | null }>(url, `SELECT to_regclass('public.outbox')::text AS outbox`);
    if (!exists!.outbox) return;
    const [row] = await queryRows<{ pending: number }>(
      url,
      `SELECT count(*)::int AS pending FROM outbox WHERE processed_at IS NULL AND available_at <= now()`,
    );
    if (row!.pending === 0) return;
    if (Date.now() > deadline) throw new Error(`the outbox still has ${row!.pending} events to handle`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
