import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR } from '../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/ports.js';
import { spawnServer, type ServerProcess } from './support/process.js';

describe('several processes starting at once on an empty database', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
  });

  it('apply the migrations once, seed the demo once, and all become ready', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    const started = await Promise.allSettled(
      ports.map((port) => spawnServer({ DATABASE_URL: database.url, PORT: String(port), HUILIU_DEMO: 'true' })),
    );
    // Keep every process that did start, so afterAll stops it even when another failed.
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const server of servers) {
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    }
    const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const migrations = await client.query('SELECT hash FROM drizzle.__drizzle_migrations');
      expect(migrations.rowCount).toBe(journal.entries.length);
      expect(new Set(migrations.rows.map((row) => row.hash)).size).toBe(journal.entries.length);
      const workspaces = await client.query('SELECT slug FROM workspaces');
      expect(workspaces.rows).toEqual([{ slug: 'huiliu-shop' }]);
      const users = await client.query('SELECT count(*)::int AS count FROM users');
      expect(users.rows[0].count).toBe(7);
    } finally {
      await client.end();
    }
    for (const server of servers) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
